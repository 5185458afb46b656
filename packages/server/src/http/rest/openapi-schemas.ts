import * as shared from '@proofline/shared';
import { ErrorBody } from '@proofline/shared';
import { z } from 'zod';
import type { AnyRoute } from './route.js';

export type JsonSchema = { [key: string]: unknown };
export type Io = 'input' | 'output';
type Graph = Map<string, JsonSchema>;

const prefix = '#/components/schemas/';
const unrepresentable = 'unrepresentable in JSON Schema: ';

/**
 * `components.schemas` of the document: every schema exported from `@proofline/shared` converted by
 * zod's `toJSONSchema` as one registry, so components refer to each other by the names the code
 * uses (`Channel`, `RiskAssessment`). Only what the routes reach is kept. A schema reached both as
 * input and as output that differs between the two (a default is optional in a body, required in an
 * answer) is kept twice: `Rule` as answered, `RuleInput` as accepted.
 */
export class SchemaCatalogue {
  private readonly keys = new Map<unknown, string>();
  private readonly graphs: Record<Io, Graph>;
  private readonly reached: Record<Io, Set<string>>;
  private readonly differs = new Set<string>();
  private readonly displayNames = new Map<string, string>();

  /** `local`: schemas of the server's own (not in `@proofline/shared`), by the component name they get. */
  constructor(routes: readonly AnyRoute[], local: Record<string, z.ZodType>) {
    const registry = z.registry<{ id: string }>();
    for (const [name, value] of [...Object.entries(local), ...Object.entries(shared)]) {
      if (typeof value !== 'object' || value === null || !('_zod' in value) || this.keys.has(value)) continue;
      this.keys.set(value, name);
      registry.add(value as z.ZodType, { id: name });
    }
    this.graphs = { input: convert(registry, 'input'), output: convert(registry, 'output') };

    const roots: Record<Io, Set<string>> = { input: new Set(), output: new Set([this.key(ErrorBody)]) };
    for (const route of routes) {
      if (route.body) roots.input.add(this.key(route.body));
      // Parameters are inlined, so only what their properties refer to becomes a component.
      for (const schema of [route.params, route.query]) {
        if (schema)
          for (const target of refsOf(this.graphs.input.get(this.key(schema)))) roots.input.add(target);
      }
      roots.output.add(this.key(route.response));
    }
    this.reached = {
      input: reach(this.graphs.input, roots.input),
      output: reach(this.graphs.output, roots.output),
    };
    this.findDifferences();
    this.nameDefinitions();
  }

  /** A `$ref` to the component of a schema exported from `@proofline/shared`. */
  ref(schema: z.ZodType, io: Io): JsonSchema {
    return { $ref: prefix + this.name(this.key(schema), io) };
  }

  /** Path or query parameters from the object schema the route parses them with (as accepted: input). */
  parameters(schema: z.ZodObject, where: 'path' | 'query'): JsonSchema[] {
    const json = this.renamed(this.graphs.input.get(this.key(schema))!, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    return Object.entries(json.properties ?? {}).map(([name, property]) => {
      const { description, ...propertySchema } = property;
      return {
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: propertySchema,
      };
    });
  }

  components(): Record<string, JsonSchema> {
    const components: Record<string, JsonSchema> = {};
    for (const io of ['output', 'input'] as const) {
      for (const key of this.reached[io]) {
        if (io === 'input' && this.reached.output.has(key) && !this.differs.has(key)) continue;
        const name = this.name(key, io);
        if (name in components) throw new Error(`Two OpenAPI components are named ${name}.`);
        const json = this.renamed(this.graphs[io].get(key)!, io);
        if (JSON.stringify(json).includes(unrepresentable)) {
          throw new Error(`The OpenAPI component ${name} holds a type JSON Schema cannot describe.`);
        }
        components[name] = json;
      }
    }
    return Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b)));
  }

  private key(schema: unknown): string {
    const key = this.keys.get(schema);
    if (key === undefined) {
      throw new Error('Every schema of the OpenAPI document must be exported from @proofline/shared.');
    }
    return key;
  }

  private name(key: string, io: Io): string {
    const display = this.displayNames.get(key) ?? key;
    return io === 'input' && this.reached.output.has(key) && this.differs.has(key)
      ? `${display}Input`
      : display;
  }

  private renamed(json: JsonSchema, io: Io): JsonSchema {
    return mapRefs(json, (ref) => prefix + this.name(ref.slice(prefix.length), io)) as JsonSchema;
  }

  /** Differs as input and output: itself, or through any component it refers to. */
  private findDifferences(): void {
    const both = [...this.reached.input].filter((key) => this.reached.output.has(key));
    for (const key of both) {
      const input = JSON.stringify(this.graphs.input.get(key));
      if (input !== JSON.stringify(this.graphs.output.get(key))) this.differs.add(key);
    }
    for (let grew = true; grew; ) {
      grew = false;
      for (const key of both) {
        if (this.differs.has(key)) continue;
        if ([...refsOf(this.graphs.input.get(key))].some((target) => this.differs.has(target))) {
          this.differs.add(key);
          grew = true;
        }
      }
    }
  }

  /**
   * zod puts recursive parts that have no name of their own (a rule's condition node) into `$defs`;
   * each becomes a component named after the first component that refers to it: `RuleConditionsNode`.
   */
  private nameDefinitions(): void {
    const taken = new Set([...this.graphs.input.keys(), ...this.graphs.output.keys()]);
    const definitions = [...taken].filter((key) => key.includes('.')).sort();
    for (const definition of definitions) {
      const referrer = [...taken]
        .filter((key) => !key.includes('.'))
        .sort()
        .find((key) =>
          (['input', 'output'] as const).some((io) => refsOf(this.graphs[io].get(key)).has(definition)),
        );
      const base = `${referrer ?? definition.replace(/\W/g, '')}Node`;
      let name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
      taken.add(name);
      this.displayNames.set(definition, name);
    }
  }
}

/**
 * One registry conversion, flattened: components by id, and each `$defs` entry as `<owner>.<def>`,
 * with every `$ref` written `#/components/schemas/<key>`.
 */
function convert(registry: z.core.$ZodRegistry<{ id: string }>, io: Io): Graph {
  const { schemas } = z.toJSONSchema(registry, {
    io,
    cycles: 'ref',
    reused: 'inline',
    uri: (id) => prefix + id,
    // Kept as a marker: it fails the document only if a route reaches it (see `components`).
    unrepresentable: ({ message }) => ({ $comment: unrepresentable + message }),
  }) as { schemas: Record<string, JsonSchema & { $defs?: Record<string, JsonSchema> }> };
  const graph: Graph = new Map();
  for (const [id, json] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, $defs, ...root } = json;
    const local = (ref: string) => {
      if (ref === '#') return prefix + id;
      const inDefs = /^(?:#\/components\/schemas\/([^#]+))?#\/\$defs\/(.+)$/.exec(ref);
      return inDefs ? `${prefix}${inDefs[1] ?? id}.${inDefs[2]}` : ref;
    };
    // `__shared` only holds `$defs`: it is not a component itself.
    if (Object.keys(root).length > 0) graph.set(id, mapRefs(root, local) as JsonSchema);
    for (const [def, schema] of Object.entries($defs ?? {})) {
      graph.set(`${id}.${def}`, mapRefs(schema, local) as JsonSchema);
    }
  }
  return graph;
}

function mapRefs(node: unknown, map: (ref: string) => string): unknown {
  if (Array.isArray(node)) return node.map((item) => mapRefs(item, map));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' ? map(value) : mapRefs(value, map),
    ]),
  );
}

function refsOf(json: JsonSchema | undefined): Set<string> {
  const refs = new Set<string>();
  mapRefs(json, (ref) => {
    if (ref.startsWith(prefix)) refs.add(ref.slice(prefix.length));
    return ref;
  });
  return refs;
}

function reach(graph: Graph, roots: Set<string>): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
    if (seen.has(key)) continue;
    seen.add(key);
    queue.push(...refsOf(graph.get(key)));
  }
  return seen;
}
