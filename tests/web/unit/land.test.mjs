// land.test.mjs - the small globe's land (web/src/model/land.js): Natural
// Earth's 1:110m land coarsened and delta-encoded when the page is built,
// decoded in the browser.  The decoded land must still be the land: points
// on each continent inside it, points at sea outside, and no point moved
// by more than the rounding from the coarsened original.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { coarsen, encodeLand, decodeLand, GLOBE_DEG, GLOBE_SCALE } from '../../../web/src/model/land.js';

// d3-geo and topojson-client as the page has them (web/node_modules)
const web = createRequire(new URL('../../../web/package.json', import.meta.url));
const { geoContains } = await import(pathToFileURL(web.resolve('d3-geo')));
const { feature } = await import(pathToFileURL(web.resolve('topojson-client')));

const topo = JSON.parse(readFileSync(fileURLToPath(new URL(
  '../../../web/node_modules/world-atlas/land-110m.json', import.meta.url)), 'utf8'));
const asset = encodeLand(topo);
const land = decodeLand(JSON.parse(JSON.stringify(asset)));

test('the decoded land holds each continent and leaves the oceans out', () => {
  const on = { Paris: [2.35, 48.86], Tokyo: [139.69, 35.68], Nairobi: [36.82, -1.29], Brasilia: [-47.88, -15.79],
    Denver: [-104.99, 39.74], Canberra: [149.13, -35.28], 'Novosibirsk': [82.93, 55.03], 'South Pole': [0, -89.9] };
  const off = { 'mid-Atlantic': [-30, 30], 'mid-Pacific': [-150, 0], 'Indian Ocean': [75, -20], 'Tasman Sea': [160, -40] };
  for (const [name, p] of Object.entries(on)) assert.ok(geoContains(land, p), `${name} is on land`);
  for (const [name, p] of Object.entries(off)) assert.ok(!geoContains(land, p), `${name} is at sea`);
});

test('every point is the coarsened original, rounded to the asset scale', () => {
  const want = coarsen(feature(topo, topo.objects.land), GLOBE_DEG).features.flatMap((f) =>
    (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates));
  const got = land.features[0].geometry.coordinates;
  assert.equal(got.length, want.length, 'as many polygons');
  let points = 0;
  for (let p = 0; p < want.length; p++) {
    assert.equal(got[p].length, want[p].length, `polygon ${p}: as many rings`);
    for (let r = 0; r < want[p].length; r++) {
      assert.equal(got[p][r].length, want[p][r].length, `polygon ${p} ring ${r}: as many points`);
      want[p][r].forEach(([x, y], i) => {
        const [gx, gy] = got[p][r][i];
        assert.ok(Math.abs(gx - x) <= 0.5 / GLOBE_SCALE + 1e-9 && Math.abs(gy - y) <= 0.5 / GLOBE_SCALE + 1e-9,
          `polygon ${p} ring ${r} point ${i}: ${[gx, gy]} for ${[x, y]}`);
        points++;
      });
    }
  }
  assert.ok(points > 1000, `${points} points: the land, not a sketch of it`);
});

test('coarsening drops the points closer than its step, keeps the ends and small rings', () => {
  const ring = [[0, 0], [0.1, 0], [0.2, 0], [1, 0], [1, 0.1], [1, 1], [0.5, 1], [0.4, 1], [0, 1], [0, 0]];
  const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {},
    geometry: { type: 'Polygon', coordinates: [ring, ring.slice(0, 5)] } }] };
  const [outer, small] = coarsen(fc, 0.75).features[0].geometry.coordinates;
  assert.deepEqual(outer, [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]);
  assert.deepEqual(small, ring.slice(0, 5), 'a ring of 8 points or fewer is left alone');
});

test('an asset that is not the globe land is refused with a message', () => {
  assert.throws(() => decodeLand({ polygons: [] }), /globe land: not \{scale, polygons\}/);
  assert.throws(() => decodeLand({ scale: 10 }), /globe land/);
});
