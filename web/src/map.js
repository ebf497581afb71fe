// map.js - world maps with d3-geo and world-atlas (Natural Earth 1:110m,
// served under its hash from assets/): the offices map, a small globe for
// an office effect, and a location picker.  A chunk of its own, loaded by
// the views that draw a map, when they draw it.  Its words are the
// page's language's (web.map.*), and a country is named in it
// (Intl.DisplayNames) where the atlas knows its code.
import { geoNaturalEarth1, geoOrthographic, geoPath, geoGraticule, geoGraticule10, geoContains } from 'd3-geo';
import { feature } from 'topojson-client';
import worldUrl from 'asset:world-atlas/countries-110m.json';
import landUrl from 'asset:gen/land-globe.json';
import { s } from './dom.js';
import { countryName, t } from './i18n.js';
import { decodeLand } from './model/land.js';
import { TROPIC_OF_CANCER } from './model/registry.js';

// ISO 3166 alpha-2 -> numeric (world-atlas ids) for the alliance's members
// and partners; Kosovo (XK) has no numeric code and is found by name.
const NUMERIC = {
  AL: '008', BE: '056', BG: '100', CA: '124', HR: '191', CZ: '203', DK: '208', EE: '233',
  FI: '246', FR: '250', DE: '276', GR: '300', HU: '348', IS: '352', IT: '380', LV: '428',
  LT: '440', LU: '442', ME: '499', NL: '528', MK: '807', NO: '578', PL: '616', PT: '620',
  RO: '642', SK: '703', SI: '705', ES: '724', SE: '752', TR: '792', GB: '826', US: '840',
  AF: '004', AU: '036', CO: '170', IQ: '368', JP: '392', KR: '410', MN: '496', NZ: '554',
  PK: '586', AM: '051', AT: '040', AZ: '031', BY: '112', BA: '070', GE: '268', IE: '372',
  KZ: '398', KG: '417', MT: '470', MD: '498', RU: '643', RS: '688', CH: '756', TJ: '762',
  TM: '795', UA: '804', UZ: '860', EG: '818', IL: '376', MR: '478', MA: '504', TN: '788',
  JO: '400', DZ: '012', BH: '048', KW: '414', QA: '634', AE: '784', ET: '231', CN: '156',
  IN: '356', BR: '076', MX: '484', ZA: '710', SA: '682', IR: '364', SY: '760', LY: '434',
  CY: '196', LB: '422', SD: '729', KE: '404', NG: '566', AR: '032', CL: '152', ID: '360',
  PH: '608', TW: '158', VN: '704', TH: '764', MY: '458', SG: '702',
};
const ALPHA2 = Object.fromEntries(Object.entries(NUMERIC).map(([a, n]) => [n, a]));

// The countries (for the maps: members shaded, a country found by a
// point), read once.
let world = null;
export function loadWorld() {
  world ??= fetchJson(new URL(worldUrl, import.meta.url)).then((topo) => {
    const fc = feature(topo, topo.objects.countries);
    for (const f of fc.features) {
      f.properties.code = f.id ? ALPHA2[f.id] : (f.properties.name === 'Kosovo' ? 'XK' : undefined);
    }
    return fc;
  });
  world.catch(() => { world = null; });
  return world;
}

// The land alone, for the small globe: coarsened when the page is built
// (model/land.js), a fifth of the countries' bytes.
let land = null;
export function loadLand() {
  land ??= fetchJson(new URL(landUrl, import.meta.url)).then(decodeLand);
  land.catch(() => { land = null; });
  return land;
}

const fetchJson = (u) => fetch(u).then((r) => {
  if (!r.ok) throw new Error(`world map: ${r.status}`);
  return r.json();
});

// A country's name in the page's language, else the atlas's (English).
const nameOfCountry = (f) => countryName(f.properties.code, f.properties.name);

function countryClass(f, shade) {
  const c = f.properties.code;
  return ['country', c && shade?.[c]].filter(Boolean).join(' ');
}

function tropicLine(lon0 = -180, lon1 = 180) {
  const pts = [];
  for (let x = lon0; x <= lon1; x += 2) pts.push([x, TROPIC_OF_CANCER]);
  return { type: 'LineString', coordinates: pts };
}

// The world (less Antarctica) in Natural Earth, fitted to width x height.
// shade: {CODE: 'cls'}; markers: [{lon, lat, cls, title, shape, key}].
// region: null for the world, or {lon: [w, e], lat: [s, n]} to zoom in.
export function worldMap(fc, {
  width = 960, height = 480, shade = {}, markers = [], label, tropic = true, region = null,
} = {}) {
  const land = { type: 'FeatureCollection', features: fc.features.filter((f) => f.id !== '010') };
  const proj = geoNaturalEarth1().fitExtent([[8, 8], [width - 8, height - 8]], region ? bboxOutline(region) : land);
  const path = geoPath(proj);
  const svg = s('svg', {
    class: 'map', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': label || t('web.map.world'), preserveAspectRatio: 'xMidYMid meet',
  });
  svg.append(
    s('path', { class: 'sphere', d: path({ type: 'Sphere' }) }),
    s('path', { class: 'graticule', d: path(geoGraticule10()) }),
    s('g', { class: 'countries' }, land.features.map((f) =>
      s('path', { class: countryClass(f, shade), d: path(f), 'data-code': f.properties.code || null },
        s('title', {}, nameOfCountry(f))))),
  );
  if (tropic) {
    svg.append(s('path', { class: 'tropic', d: path(tropicLine()) }));
    const [tx, ty] = proj([region ? region.lon[0] : -178, TROPIC_OF_CANCER]);
    svg.append(s('text', { class: 'tropic-label', x: Math.max(tx, 0) + 6, y: ty - 5 },
      t('web.map.tropic')));
  }
  const g = s('g', { class: 'markers' });
  svg.append(g);
  drawMarkers(g, proj, markers);
  return { svg, proj, markersLayer: g };
}

function bboxOutline({ lon: [w, e], lat: [so, n] }) {
  const pts = [];
  for (let x = w; x <= e; x += 5) pts.push([x, so], [x, n]);
  return { type: 'MultiPoint', coordinates: pts };
}

export function drawMarkers(g, proj, markers) {
  g.replaceChildren();
  // Offices sharing a city are fanned out a little so each stays visible.
  const seen = new Map();
  for (const m of markers) {
    const p = proj([+m.lon, +m.lat]);
    if (!p || !Number.isFinite(p[0])) continue;
    const k = `${Math.round(p[0])},${Math.round(p[1])}`;
    const n = seen.get(k) || 0;
    seen.set(k, n + 1);
    const a = n * 2.1;
    const [x, y] = n ? [p[0] + 7 * Math.cos(a), p[1] + 7 * Math.sin(a)] : p;
    const r = m.r || 5;
    const shape = m.shape === 'diamond'
      ? s('path', { d: `M${x} ${y - r - 1.5}L${x + r + 1.5} ${y}L${x} ${y + r + 1.5}L${x - r - 1.5} ${y}Z` })
      : s('circle', { cx: x, cy: y, r });
    g.append(s('g', { class: `marker ${m.cls || ''}`, 'data-key': m.key || null },
      shape, m.title ? s('title', {}, m.title) : null));
  }
}

// A small globe centred on a point, with a marker: the office effect.
// fc: the land (loadLand) or the countries (loadWorld).
export function globe(fc, { lon, lat, size = 220, cls = '', title } = {}) {
  // At 200 px a pixel's precision is enough: a third of the points and
  // a fifth of the text of the default, so drawing it stays cheap.
  const proj = geoOrthographic().rotate([-lon, -Math.max(-60, Math.min(60, lat)) * 0.7])
    .fitExtent([[4, 4], [size - 4, size - 4]], { type: 'Sphere' }).clipAngle(90).precision(1);
  const path = geoPath(proj).digits(1);
  const svg = s('svg', {
    class: 'globe', viewBox: `0 0 ${size} ${size}`, role: 'img',
    'aria-label': title || t('web.map.location', { lat, lon }),
  });
  svg.append(
    s('path', { class: 'sphere', d: path({ type: 'Sphere' }) }),
    s('path', { class: 'graticule', d: path(geoGraticule().step([30, 30])()) }),
    s('g', {}, fc.features.map((f) => s('path', { class: 'country', d: path(f) || '' }))),
    s('path', { class: 'tropic', d: path(tropicLine()) || '' }),
  );
  const p = proj([lon, lat]);
  if (p) {
    svg.append(s('g', { class: `marker pin ${cls}` },
      s('circle', { cx: p[0], cy: p[1], r: 9, class: 'halo' }),
      s('circle', { cx: p[0], cy: p[1], r: 4.5 })));
  }
  return svg;
}

// Which country holds a point (alpha-2 when known).
export function countryAt(fc, lon, lat) {
  const f = fc.features.find((x) => geoContains(x, [lon, lat]));
  return f ? { code: f.properties.code, name: nameOfCountry(f) } : null;
}

// Pointer position on an SVG -> its viewBox coordinates.
export function svgPoint(svg, evt) {
  const pt = svg.createSVGPoint();
  pt.x = evt.clientX;
  pt.y = evt.clientY;
  const m = svg.getScreenCTM();
  return m ? pt.matrixTransform(m.inverse()) : null;
}
