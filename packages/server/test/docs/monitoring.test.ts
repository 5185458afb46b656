import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunningProofline } from '../../src/index.js';
import { startTestServer } from '../support/server.js';

/**
 * The example Grafana dashboard and Prometheus alert rules of docs/monitoring/ speak only of
 * metrics and labels the server really exposes, so they cannot drift from the code.
 */
const monitoring = fileURLToPath(new URL('../../../../docs/monitoring/', import.meta.url));
let server: RunningProofline;
let exposed: Map<string, { type: string; labels: Set<string> }>;

beforeAll(async () => {
  server = await startTestServer();
  exposed = new Map();
  const text = await (await fetch(`${server.url}/metrics`)).text();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const metric = server.deps.metrics.registry.getSingleMetric(name!) as
      | { labelNames?: string[] }
      | undefined;
    exposed.set(name!, { type: type!, labels: new Set(metric?.labelNames ?? []) });
  }
});
afterAll(() => server.close());

/** The metric a series name belongs to (a histogram's `_bucket`, `_count`, `_sum` are its own). */
function metricOf(series: string): { type: string; labels: Set<string> } | undefined {
  const direct = exposed.get(series);
  if (direct) return direct;
  const base = /^(.*)_(bucket|count|sum)$/.exec(series)?.[1];
  const histogram = base === undefined ? undefined : exposed.get(base);
  if (histogram?.type !== 'histogram') return undefined;
  return { ...histogram, labels: new Set([...histogram.labels, 'le']) };
}

/** Every `proofline_*` series, its matchers' labels, and the `by (…)` labels of one PromQL expression. */
function checkExpression(expr: string): void {
  const used = [...expr.matchAll(/\b(proofline_[a-z_]+)(\{([^}]*)\})?/g)];
  expect(used.length, expr).toBeGreaterThan(0);
  const labelsOfExpr = new Set<string>();
  for (const [, series, , matchers] of used) {
    const metric = metricOf(series!);
    expect(metric, `${series} is not exposed by /metrics`).toBeDefined();
    for (const label of metric!.labels) labelsOfExpr.add(label);
    for (const [, label] of (matchers ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) {
      expect(metric!.labels.has(label!), `${series} has no label ${label}`).toBe(true);
    }
  }
  for (const [, list] of expr.matchAll(/\bby \(([^)]*)\)/g)) {
    for (const label of list!.split(',').map((item) => item.trim())) {
      expect(labelsOfExpr.has(label), `no metric of "${expr}" has the label ${label}`).toBe(true);
    }
  }
}

describe('docs/monitoring', () => {
  it('prometheus-alerts.yml: well-formed rules over exposed metrics, with the conversion floor and refusal spike', () => {
    const file = parse(readFileSync(`${monitoring}prometheus-alerts.yml`, 'utf8')) as {
      groups: {
        name: string;
        rules: {
          alert: string;
          expr: string;
          labels: { severity: string };
          annotations: { summary: string };
        }[];
      }[];
    };
    const rules = file.groups.flatMap((group) => group.rules);
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining(['ProoflineConversionBelowFloor', 'ProoflineRefusalSpike']),
    );
    for (const rule of rules) {
      expect(['info', 'warning', 'critical']).toContain(rule.labels.severity);
      expect(rule.annotations.summary.length).toBeGreaterThan(0);
      checkExpression(rule.expr);
    }
  });

  it('grafana-dashboard.json: every panel and the site variable query exposed metrics', () => {
    const dashboard = JSON.parse(readFileSync(`${monitoring}grafana-dashboard.json`, 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
      templating: { list: { name: string; definition?: string }[] };
    };
    expect(dashboard.panels.length).toBeGreaterThan(5);
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) checkExpression(target.expr.replaceAll('$site', 'pk'));
    }
    const site = dashboard.templating.list.find((variable) => variable.name === 'site');
    expect(site?.definition).toBe('label_values(proofline_verifications_started_total, site)');
    expect(exposed.get('proofline_verifications_started_total')?.labels.has('site')).toBe(true);
  });
});
