// land.js - the land the small globe of an office effect draws: Natural
// Earth's 1:110m land (world-atlas) coarsened to what a 200 px globe shows.
// build.mjs runs it once, when the page is built, and writes the result as
// the asset the globe reads (gen/land-globe.json): the browser fetches a
// third of the bytes of the 1:110m file, and only decodes them.
// No DOM here; the unit tests import it as it is.
import { feature } from 'topojson-client';

// Polygons with the points closer than `deg` degrees to the last one kept
// left out (each ring keeps its first and last point, and at least four).
export function coarsen(fc, deg) {
  const ring = (r) => {
    if (r.length <= 8) return r;
    const out = [r[0]];
    for (let i = 1; i < r.length - 1; i++) {
      const [x, y] = out[out.length - 1];
      if (Math.abs(r[i][0] - x) >= deg || Math.abs(r[i][1] - y) >= deg) out.push(r[i]);
    }
    out.push(r[r.length - 1]);
    return out.length >= 4 ? out : r;
  };
  const geom = (g) => {
    if (g.type === 'Polygon') return { ...g, coordinates: g.coordinates.map(ring) };
    if (g.type === 'MultiPolygon') return { ...g, coordinates: g.coordinates.map((p) => p.map(ring)) };
    return g;
  };
  return { ...fc, features: fc.features.map((f) => ({ ...f, geometry: f.geometry && geom(f.geometry) })) };
}

// Degrees below which the globe's points are dropped: at 200 px a degree
// is about a pixel at the globe's centre.
export const GLOBE_DEG = 0.75;

// world-atlas's land-110m TopoJSON -> the globe's asset: {scale, polygons},
// each polygon its rings, each ring [x0, y0, dx1, dy1, ...] in tenths of a
// degree, each point after the first as its step from the one before
// (small integers, which compress to a third of the GeoJSON's bytes).  A
// tenth of a degree is a tenth of a pixel on the globe.
export const GLOBE_SCALE = 10;
export function encodeLand(topo) {
  const fc = coarsen(feature(topo, topo.objects.land), GLOBE_DEG);
  const ring = (r) => {
    const out = [];
    let px = 0;
    let py = 0;
    for (const [x, y] of r) {
      const X = Math.round(x * GLOBE_SCALE);
      const Y = Math.round(y * GLOBE_SCALE);
      out.push(X - px, Y - py);
      px = X;
      py = Y;
    }
    return out;
  };
  const polygons = fc.features.flatMap((f) => (f.geometry.type === 'Polygon'
    ? [f.geometry.coordinates] : f.geometry.coordinates)).map((p) => p.map(ring));
  return { scale: GLOBE_SCALE, polygons };
}

// The asset -> a GeoJSON FeatureCollection of one MultiPolygon (d3-geo's).
export function decodeLand({ scale, polygons }) {
  if (!(scale > 0) || !Array.isArray(polygons)) throw new Error('globe land: not {scale, polygons}');
  const ring = (d) => {
    const out = [];
    let x = 0;
    let y = 0;
    for (let i = 0; i + 1 < d.length; i += 2) {
      x += d[i];
      y += d[i + 1];
      out.push([x / scale, y / scale]);
    }
    return out;
  };
  return {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: {},
      geometry: { type: 'MultiPolygon', coordinates: polygons.map((p) => p.map(ring)) } }],
  };
}
