// spec.test.mjs - docs/api.yaml is what an OpenAPI tool can load: valid
// YAML, and a valid OpenAPI 3.0 document by a real validator
// (@apidevtools/swagger-parser, from web/node_modules: js-yaml, the
// OpenAPI 3.0 JSON Schema, every $ref resolved), as a client generator,
// Swagger UI or Redoc would read it.
//
// routes.test.mjs and enums.test.mjs read the same file by its layout,
// without a YAML library, to check it against the served API, and check
// each answer they get against its schema (spec.mjs).  The layout reader
// could not see that the file did not parse (an unquoted ": " in a plain
// scalar, 2026-12-03 to 2026-12-07), that a comma inside a flow map's
// unquoted description made a key of its own, or that nullable fields
// were written as JSON Schema 2020-12 type lists, which OpenAPI 3.0 does
// not have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPEC, SwaggerParser } from './spec.mjs';

test('docs/api.yaml is a valid OpenAPI 3.0 document', async () => {
  let api;
  try {
    api = await SwaggerParser.validate(SPEC);
  } catch (e) {
    assert.fail(`docs/api.yaml: ${e.message}`);
  }
  assert.equal(api.openapi, '3.0.3');
  assert.ok(Object.keys(api.paths).length >= 40, 'every path is there');
});

// The validator itself, on what it must refuse: a test of this test.
test('the validator refuses what the spec once held', async () => {
  const base = {
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    paths: {},
    components: { schemas: {} },
  };
  const refused = async (schema) => {
    const doc = structuredClone(base);
    doc.components.schemas.X = schema;
    await assert.rejects(SwaggerParser.validate(doc), /validation failed/i,
      JSON.stringify(schema));
  };
  // a type list (JSON Schema 2020-12, OpenAPI 3.1), not OpenAPI 3.0
  await refused({ type: ['string', 'null'] });
  // `{description: a, b}` in YAML flow style: a key named "b"
  await refused({ type: 'array', items: { type: 'string' }, description: 'a', b: null });
  // and it accepts the 3.0 way of saying null
  const doc = structuredClone(base);
  doc.components.schemas.X = { type: 'string', nullable: true };
  await SwaggerParser.validate(doc);
});
