// spec.mjs - docs/api.yaml as an OpenAPI tool reads it, and the API's
// answers against it.
//
// The file is loaded by @apidevtools/swagger-parser (web/node_modules: a
// real YAML parser, the OpenAPI 3.0 JSON Schema, every $ref resolved) and
// each answer's body checked by Ajv 8 against the schema the spec gives
// for its route, method and status (OpenAPI 3.0's `nullable` is Ajv's
// too).  Formats (date-time, ...) are not checked here: the answers'
// times are checked where they are made (tests/http/server.test.mjs).
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
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
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
