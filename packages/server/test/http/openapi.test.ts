import { ErrorBody } from '@proofline/shared';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument, openApiPath, restRoutes } from '../../src/http/rest/index.js';
import type { RunningProofline } from '../../src/index.js';
import { type RestCall, restClient } from '../support/http-client.js';
import { startTestServer } from '../support/server.js';

type Operation = {
  security?: unknown[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { required: boolean; content: Record<string, { schema: object; example?: unknown }> };
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, { schema: object }> }
  >;
};
type Document = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, unknown> };
};

const documentId = 'https://proofline.invalid/openapi.json';
/** The document of every route defined, including routes this server may not mount. */
const fullDocumentId = 'https://proofline.invalid/openapi-full.json';

let server: RunningProofline;
let call: RestCall;
let document: Document;
let fullDocument: Document;
let ajv: Ajv2020;

beforeAll(async () => {
  server = await startTestServer();
  call = restClient(server.url);
  const response = await fetch(`${server.url}/v1/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  document = (await response.json()) as Document;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, documentId);
  fullDocument = buildOpenApiDocument(restRoutes) as unknown as Document;
  ajv.addSchema(fullDocument, fullDocumentId);
});
afterAll(() => server.close());

const pointerPart = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');

/** A validator for the schema at a place of the document, with its `$ref`s resolved against the document. */
function schemaAt(...parts: string[]): ValidateFunction {
  return ajv.compile({ $ref: `${documentId}#/${parts.map(pointerPart).join('/')}` });
}

/** A validator for the JSON body a route accepts, as the document of every defined route says. */
function requestBodySchema(route: { method: string; path: string }): ValidateFunction {
  const parts = ['paths', openApiPath(route.path), route.method.toLowerCase(), 'requestBody', 'content'];
  const pointer = [...parts, 'application/json', 'schema'].map(pointerPart).join('/');
  return ajv.compile({ $ref: `${fullDocumentId}#/${pointer}` });
}

function expectValid(validate: ValidateFunction, value: unknown, label: string) {
  const valid = validate(value);
  expect(valid ? [] : validate.errors, label).toEqual([]);
}

function operations(): { method: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

/** Checks a real answer against what the document says this route answers with that status. */
async function expectDocumented(method: string, fastifyPath: string, path: string, body?: unknown) {
  const answer = await call(method, path, body);
  const responses = document.paths[openApiPath(fastifyPath)]![method.toLowerCase()]!.responses;
  expect(Object.keys(responses), `${method} ${path} answered ${answer.status}`).toContain(
    String(answer.status),
  );
  const validate = schemaAt(
    'paths',
    openApiPath(fastifyPath),
    method.toLowerCase(),
    'responses',
    String(answer.status),
    'content',
    'application/json',
    'schema',
  );
  expectValid(validate, answer.body, `${method} ${path} ${answer.status}`);
  return answer;
}

describe('GET /v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const full = await new Validator().validate(structuredClone(fullDocument) as Record<string, unknown>);
    expect(full.errors ?? []).toEqual([]);
  });

  it('holds component schemas that are valid JSON Schema 2020-12 and resolve', () => {
    // The OpenAPI validator checks the document's structure; the schemas inside are checked here.
    const names = Object.keys(document.components.schemas);
    expect(names).toEqual(
      expect.arrayContaining(['ErrorBody', 'SendOtpInput', 'Rule', 'RuleInput', 'Channel']),
    );
    for (const name of names) {
      const schema = document.components.schemas[name]!;
      expect(ajv.validateSchema(schema) ? [] : ajv.errors, name).toEqual([]);
      expect(() => schemaAt('components', 'schemas', name), name).not.toThrow();
    }
  });

  it('describes every registered /v1 route, and only those', () => {
    const registered = server.app.registeredRoutes
      .filter((route) => route.url.startsWith('/v1/'))
      .map((route) => `${route.method} ${openApiPath(route.url)}`);
    const documented = operations().map(({ method, path }) => `${method} ${path}`);
    expect(registered.length).toBeGreaterThan(20);
    expect(
      registered.filter((route) => !documented.includes(route)),
      'registered, not documented',
    ).toEqual([]);
    expect(
      documented.filter((route) => !registered.includes(route)),
      'documented, not registered',
    ).toEqual([]);
  });

  it('leaves out only the routes this server did not mount', () => {
    // Only the operator-backed checks may be missing: they mount where an operator is wired in.
    const registered = new Set(server.app.registeredRoutes.map((route) => `${route.method} ${route.url}`));
    const unmounted = restRoutes.filter((route) => !registered.has(`${route.method} ${route.path}`));
    expect(
      unmounted.filter((route) => route.doc.tag !== 'Operator checks').map((route) => route.path),
    ).toEqual([]);
    for (const route of unmounted)
      expect(document.paths[openApiPath(route.path)], route.path).toBeUndefined();
  });

  it('names every path parameter in its path and documents its errors with the error shape', () => {
    for (const { method, path, operation } of operations()) {
      const label = `${method} ${path}`;
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
      expect(
        declared.map((parameter) => parameter.name),
        label,
      ).toEqual(inPath);
      expect(Object.keys(operation.responses), label).toEqual(expect.arrayContaining(['200', '500']));
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        expect(JSON.stringify(response.content), `${label} ${status}`).toContain(
          '#/components/schemas/ErrorBody',
        );
        if (status === '429') expect(response.headers, label).toHaveProperty('Retry-After');
      }
    }
  });

  it('asks for the secret key everywhere but on siteverify (optional) and on itself', () => {
    expect(document.components.securitySchemes.secretKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const byRoute = Object.fromEntries(
      operations().map(({ method, path, operation }) => [`${method} ${path}`, operation]),
    );
    expect(byRoute['POST /v1/siteverify']!.security).toEqual([{ secretKey: [] }, {}]);
    expect(byRoute['GET /v1/openapi.json']!.security).toEqual([]);
    expect(byRoute['GET /v1/cases']!.security).toBeUndefined();
    expect(Object.keys(byRoute['GET /v1/cases']!.responses)).toContain('401');
    expect(Object.keys(byRoute['POST /v1/siteverify']!.responses)).not.toContain('401');
  });

  it('documents the 429 answers of sends with Retry-After', () => {
    const sendOtp = document.paths['/v1/phone/send-otp']!.post!;
    const resend = document.paths['/v1/verifications/{id}/resend']!.post!;
    expect(sendOtp.responses['429']).toBeDefined();
    expect(resend.responses['429']!.headers).toHaveProperty('Retry-After');
    const codes = schemaAt(
      'paths',
      '/v1/verifications/{id}/resend',
      'post',
      'responses',
      '429',
      'content',
      'application/json',
      'schema',
    );
    expectValid(
      codes,
      { error: { code: 'resend_cooldown', message: 'Wait.', details: { retry_after: 12 } } },
      '429',
    );
    expect(codes({ error: { code: 'not_found', message: 'Not found.' } })).toBe(false);
  });
});

describe('request examples', () => {
  const examples = restRoutes.filter((route) => route.doc.example !== undefined);

  it('are in the document and valid against their own schemas', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const route of examples) {
      const label = `${route.method} ${route.path}`;
      const path = openApiPath(route.path);
      const media =
        fullDocument.paths[path]![route.method.toLowerCase()]!.requestBody!.content['application/json']!;
      expect(media.example, label).toEqual(route.doc.example);
      expectValid(requestBodySchema(route), media.example, label);
      // The zod schema the route parses with agrees: the document did not drift from the code.
      expect(route.body!.safeParse(route.doc.example).success, label).toBe(true);
    }
  });

  it('turn invalid when broken, as the route would refuse them', () => {
    const cases: { path: string; body: unknown }[] = [
      { path: '/v1/phone/send-otp', body: { phone: '+447400123456', channel: 'fax' } },
      { path: '/v1/phone/send-otp', body: { phone: '+447400123456', color: 'blue' } },
      { path: '/v1/phone/send-otp', body: { channel: 'sms' } },
      { path: '/v1/networks/unblock', body: { network: '234-15' } },
      {
        path: '/v1/workflows/rules',
        body: {
          rule_id: 'r1',
          trigger: 'verification_started',
          conditions: { all: [{ field: 'risk_score', operator: 'between', value: 3 }] },
          actions: [{ type: 'require_otp' }],
        },
      },
      { path: '/v1/settings/phone-verification', body: { otp_expiry_minutes: 31 } },
    ];
    for (const { path, body } of cases) {
      const route = restRoutes.find((entry) => entry.path === path && entry.body)!;
      expect(requestBodySchema(route)(body), `${path} ${JSON.stringify(body)}`).toBe(false);
      expect(route.body!.safeParse(body).success, path).toBe(false);
    }
  });
});

describe('real answers fit the document', () => {
  it('settings, validate, rules, cases, blocks and the error shapes', async () => {
    await expectDocumented('GET', '/v1/settings/phone-verification', '/v1/settings/phone-verification');
    await expectDocumented('PUT', '/v1/settings/phone-verification', '/v1/settings/phone-verification', {
      otp_expiry_minutes: 5,
    });
    await expectDocumented('POST', '/v1/phone/validate', '/v1/phone/validate', { phone: '+447400123456' });
    const rule = restRoutes.find((route) => route.path === '/v1/workflows/rules' && route.method === 'POST')!;
    const created = await expectDocumented(
      'POST',
      '/v1/workflows/rules',
      '/v1/workflows/rules',
      rule.doc.example,
    );
    expect(created.status).toBe(201);
    await expectDocumented('GET', '/v1/workflows/rules', '/v1/workflows/rules');
    await expectDocumented('DELETE', '/v1/workflows/rules/:rule_id', '/v1/workflows/rules/voip_needs_code');
    const missing = await expectDocumented(
      'DELETE',
      '/v1/workflows/rules/:rule_id',
      '/v1/workflows/rules/voip_needs_code',
    );
    expect(missing.status).toBe(404);
    await expectDocumented('GET', '/v1/cases', '/v1/cases?limit=5');
    await expectDocumented('GET', '/v1/networks/blocks', '/v1/networks/blocks');
    const unblock = await expectDocumented('POST', '/v1/networks/unblock', '/v1/networks/unblock', {
      network: '23415',
    });
    expect(unblock.status).toBe(404);
    const invalid = await expectDocumented('POST', '/v1/phone/send-otp', '/v1/phone/send-otp', { phone: '' });
    expect(invalid.status).toBe(400);
    expect(ErrorBody.safeParse(invalid.body).success).toBe(true);
  });

  it('a verification from send-otp to verify-otp and cancel', async () => {
    const sent = await expectDocumented('POST', '/v1/phone/send-otp', '/v1/phone/send-otp', {
      phone: '+447400123477',
      channel: 'sms',
    });
    expect(sent.status).toBe(200);
    const id = (sent.body as { verification_id: string }).verification_id;
    await expectDocumented('GET', '/v1/verifications/:id', `/v1/verifications/${id}`);
    const checked = await expectDocumented('POST', '/v1/phone/verify-otp', '/v1/phone/verify-otp', {
      verification_id: id,
      code: '000000',
    });
    expect(checked.status).toBe(200);
    const cooldown = await expectDocumented(
      'POST',
      '/v1/verifications/:id/resend',
      `/v1/verifications/${id}/resend`,
      {},
    );
    expect(cooldown.status).toBe(429);
    expect(Number(cooldown.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectDocumented('POST', '/v1/verifications/:id/cancel', `/v1/verifications/${id}/cancel`);
  });

  it('siteverify answers 200 with error codes, and the secret key is checked elsewhere', async () => {
    const answer = await expectDocumented('POST', '/v1/siteverify', '/v1/siteverify', { response: 'x' });
    expect(answer.status).toBe(200);
    const unauthorized = await call('GET', '/v1/cases', undefined, { secret: null });
    expect(unauthorized.status).toBe(401);
    expectValid(
      schemaAt('paths', '/v1/cases', 'get', 'responses', '401', 'content', 'application/json', 'schema'),
      unauthorized.body,
      '401',
    );
  });
});

describe('buildOpenApiDocument', () => {
  it('names the public URL as the server, else its own origin', () => {
    expect(document.servers).toEqual([{ url: '/' }]);
    const named = buildOpenApiDocument(restRoutes, 'https://verify.example.com');
    expect(named.servers).toEqual([{ url: 'https://verify.example.com' }]);
  });

  it('refuses a schema that is not exported from @proofline/shared', () => {
    const route = { ...restRoutes[0]!, body: z.strictObject({ phone: z.string() }) };
    expect(() => buildOpenApiDocument([route])).toThrow(/exported from @proofline\/shared/);
  });
});
