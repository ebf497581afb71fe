// spec.mjs - docs/api.yaml as an OpenAPI tool reads it, and the API's
// answers against it.
//
// The file is loaded by @apidevtools/swagger-parser (web/node_modules: a
// real YAML parser, the OpenAPI 3.0 JSON Schema, every $ref resolved) and
// each answer's body checked by Ajv 8 against the schema the spec gives
// for its route, method and status (OpenAPI 3.0's `nullable` is Ajv's
// too), with the two formats the spec uses, `date` and `date-time`, as
// RFC 3339 defines them (isDate, isDateTime below): a day that is not in
// the calendar, or a time with no offset, is unlike the spec.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SPEC = join(ROOT, 'docs', 'api.yaml');
const require = createRequire(join(ROOT, 'web', 'package.json'));
export const SwaggerParser = require('@apidevtools/swagger-parser');
const Ajv = require('ajv');

// The spec, every $ref resolved, read once (nothing changes it).
let loaded = null;
const loadSpec = () => (loaded ??= SwaggerParser.dereference(SPEC));

// RFC 3339 section 5.6: full-date, and date-time with its offset (Z or
// +hh:mm); the day in its month's days, hours 00-23, minutes and seconds
// 00-59 (no leap second: the server writes none).  Upper-case T and Z
// only, as the server writes them: RFC 3339 allows lower case, but a
// client that reads ISO 8601 strictly may not.
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export function isDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = m.slice(1).map(Number);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= DAYS[mo - 1] + (mo === 2 && leap ? 1 : 0);
}
export function isDateTime(s) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/.exec(s);
  if (!m || !isDate(m[1])) return false;
  const [h, mi, sec, oh = 0, om = 0] = m.slice(2).map((x) => (x === undefined ? undefined : Number(x)));
  return h <= 23 && mi <= 59 && sec <= 59 && oh <= 23 && om <= 59;
}

// The spec's path template a concrete path falls under ('/api/v1/x/3?a'
// -> '/api/v1/x/{id}'), or null.
function templateOf(paths, path) {
  const bare = path.split('?')[0];
  return Object.keys(paths).find((t) =>
    new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare)) ?? null;
}

// Every exchange {method, path, status, body} whose body is JSON, against
// its response schema: {checked, problems}, one problem per route, status
// and place in the body (array indices as *), the first answer named.
export async function unlikeSpec(exchanges) {
  const spec = await loadSpec();
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date', isDate);
  ajv.addFormat('date-time', isDateTime);
  const compiled = new Map();
  const problems = new Map();
  let checked = 0;
  for (const e of exchanges) {
    if (typeof e.body !== 'object' || e.body === null) continue;
    const t = templateOf(spec.paths, e.path);
    const op = t && spec.paths[t][e.method.toLowerCase()];
    if (!op) continue;
    const key = `${e.method} ${t} ${e.status}`;
    if (!compiled.has(key)) {
      const resp = op.responses[String(e.status)] || op.responses.default;
      const schema = resp?.content?.['application/json']?.schema;
      compiled.set(key, schema ? ajv.compile(schema) : null);
    }
    const v = compiled.get(key);
    if (!v) {
      if (!problems.has(key)) problems.set(key, `${key}: no JSON schema for this status (${e.path})`);
      continue;
    }
    checked++;
    if (v(e.body)) continue;
    for (const x of v.errors) {
      const where = x.instancePath.replace(/\/\d+(?=\/|$)/g, '/*') || '/';
      const extra = x.params?.additionalProperty ? ` (${x.params.additionalProperty})` : '';
      const p = `${key}: ${where} ${x.message}${extra}`;
      if (!problems.has(p)) problems.set(p, `${p} (first: ${e.path}, ${e.who ?? ''})`);
    }
  }
  return { checked, problems: [...problems.values()] };
}


// The ways a route may be called, as its `security` (else the spec's)
// says: a Set of scheme names, with 'anonymous' for the empty
// requirement ({}), for the operation a method and concrete path fall
// under; null for a route the spec does not have.
export async function securityOf(method, path) {
  const spec = await loadSpec();
  const t = templateOf(spec.paths, path);
  const op = t && spec.paths[t][method.toLowerCase()];
  if (!op) return null;
  return new Set((op.security ?? spec.security ?? []).flatMap((req) => {
    const names = Object.keys(req);
    return names.length ? names : ['anonymous'];
  }));
}
