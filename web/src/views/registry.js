// views/registry.js - the registry: members (enlargement timeline),
// partners by framework, offices on a world map (open and closed by date,
// out-of-area offices marked).  The chart's and the map's code are loaded
// by the tab that draws them.
import { h, replace, icon } from '../dom.js';
import * as api from '../api.js';
import { fmtDate, today } from '../time.js';
import { loading, alertBox, errorText, empty, FRAMEWORK_LABEL, humanize, tableWrap } from '../ui.js';
import {
  isDay, dayOr, byFramework, officeRows, officeCounts, officeMarkers, officeStatusText, OFFICE_STATE_LABEL, areaText,
} from '../model/registry.js';
import { countryName, labels, t } from '../i18n.js';

const TABS = ['members', 'partners', 'offices'];
const TAB_KEY = { members: 'web.reg.tab.members', partners: 'web.reg.tab.partners', offices: 'web.reg.tab.offices' };

export async function registryView(ctx) {
  const tab = ctx.params[0] || 'members';
  ctx.title(t('web.reg.title_tab', { tab: t(TAB_KEY[tab]) }));
  const body = h('div', { class: 'tab-body', id: `registry-${tab}` }, loading());
  replace(ctx.el,
    h('div', { class: 'page-head' }, h('div', {},
      h('h1', { tabindex: '-1' }, t('web.reg.title')),
      h('p', { class: 'lead' }, t('web.reg.lead')))),
    h('nav', { class: 'tabs', 'aria-label': t('web.reg.sections') },
      TABS.map((k) => h('a', {
        href: `#/registry/${k}`, class: 'tab', 'aria-current': k === tab ? 'page' : null,
      }, t(TAB_KEY[k])))),
    body);
  try {
    if (tab === 'members') await membersTab(ctx, body);
    else if (tab === 'partners') await partnersTab(ctx, body);
    else await officesTab(ctx, body);
  } catch (e) {
    if (ctx.alive()) replace(body, alertBox(errorText(e)));
  }
}

const PARTNER_STATUS = labels({
  suspended: 'web.reg.partner_status.suspended', ended: 'web.reg.partner_status.ended',
});

const dateOf = (ctx) => dayOr(ctx.query.get('at'), today());

function dateTool(ctx, id, labelText, at, base) {
  const input = h('input', { type: 'date', id, value: at, min: '1949-01-01', max: '2100-12-31' });
  input.addEventListener('change', () => {
    if (isDay(input.value)) ctx.navigate(input.value === today() ? base : `${base}?at=${input.value}`);
  });
  return h('div', { class: 'head-tools' }, h('label', { for: id, class: 'inline-label' }, labelText), input,
    h('button', {
      type: 'button', class: 'btn small', disabled: at === today() || null, onclick: () => ctx.navigate(base),
    }, t('web.bodies.today')));
}

// A table's column heading.
function th(label, cls) {
  return h('th', { scope: 'col', class: cls }, label);
}

async function membersTab(ctx, el) {
  const at = dateOf(ctx);
  const [all, now, { enlargementWaves, enlargementChart }] = await Promise.all([
    api.allMembers(), api.members(at), import('../chart.js')]);
  if (!ctx.alive()) return;
  const waves = enlargementWaves(all.members);
  const inRange = waves.filter((w) => w.date <= '2024-12-31');
  const last = inRange.at(-1);
  // The chart is drawn at the width it is shown at, so its labels keep
  // their size on a phone; drawn again when that width changes.
  const fig = h('figure', { class: 'chart-fig' });
  const caption = h('figcaption', { class: 'sub' }, t('web.reg.chart_caption', { date: fmtDate('1949-08-24') }));
  let drawnAt = 0;
  const draw = () => {
    const w = Math.round(fig.clientWidth);
    if (!w || w === drawnAt) return;
    drawnAt = w;
    replace(fig, enlargementChart(inRange, {
      from: 1949, to: 2024, width: w, height: Math.round(Math.min(320, Math.max(220, w * 0.4))),
      label: t('web.reg.chart_label', {
        counts: inRange.map((x) => t('web.reg.chart_count', { n: x.total, year: x.date.slice(0, 4) })).join(', '),
      }),
    }), caption);
  };
  const ro = new ResizeObserver(() => draw());
  ro.observe(fig);
  ctx.onCleanup(() => ro.disconnect());
  replace(el,
    h('section', { class: 'card', 'aria-labelledby': 'enl-h' },
      h('div', { class: 'section-head' }, h('h2', { id: 'enl-h' }, t('web.reg.enlargement')),
        h('span', { class: 'sub' }, t('web.reg.enlargement_sub',
          { founders: waves[0]?.total || 0, members: last?.total || 0, n: inRange.length - 1 }))),
      fig,
      tableWrap(t('web.reg.accessions'), h('table', { class: 'table compact', id: 'waves' },
        h('caption', { class: 'sr-only' }, t('web.reg.accessions')),
        h('thead', {}, h('tr', {}, th(t('web.reg.col.date')), th(t('web.reg.col.wave')), th(t('web.reg.col.joined')),
          th(t('web.reg.col.members'), 'num'))),
        h('tbody', {}, waves.map((w) => h('tr', {},
          h('td', { class: 'nowrap' }, fmtDate(w.date)), h('td', {}, humanize(w.label)),
          h('td', {}, w.names.join(', ')), h('td', { class: 'num' }, String(w.total)))))))),
    h('section', { class: 'card', 'aria-labelledby': 'mem-h' },
      h('div', { class: 'section-head wrap' },
        h('h2', { id: 'mem-h' }, t('web.reg.members_on', { date: fmtDate(at) }), ' ',
        h('span', { class: 'count-pill', id: 'members-count' }, String(now.count))),
        dateTool(ctx, 'members-at', t('web.reg.as_of'), at, '#/registry/members')),
      h('ul', { class: 'member-list' }, now.members.map((m) => h('li', { 'data-code': m.code },
        h('span', { class: 'code-tag' }, m.code), h('span', { class: 'mname' }, countryName(m.code, m.name)),
        h('span', { class: 'sub' }, t('web.reg.since', { date: fmtDate(m.accession) })))))));
  draw();
}

async function partnersTab(ctx, el) {
  const at = dateOf(ctx);
  const p = await api.partners(at);
  if (!ctx.alive()) return;
  const groups = byFramework(p.partners);
  replace(el,
    h('div', { class: 'section-head wrap' },
      h('p', { class: 'sub' }, t('web.reg.partners_sub', { n: p.partners.length, date: fmtDate(at) })),
      dateTool(ctx, 'partners-at', t('web.reg.as_of'), at, '#/registry/partners')),
    groups.length ? h('div', { class: 'framework-grid' }, groups.map(([fw, list]) => frameworkCard(fw, list)))
      : empty(t('web.reg.no_partner')));
}

function frameworkCard(fw, list) {
  return h('section', { class: 'card', 'data-framework': fw, 'aria-labelledby': `fw-${fw}` },
    h('h2', { id: `fw-${fw}` }, FRAMEWORK_LABEL[fw] || humanize(fw), ' ',
      h('span', { class: 'count-pill' }, String(list.length))),
    h('ul', { class: 'partner-list' }, list.map((x) => h('li', { 'data-code': x.code, 'data-status': x.status },
      h('span', { class: 'code-tag' }, x.code), h('span', { class: 'mname' }, countryName(x.code, x.name)),
      x.since ? h('span', { class: 'sub' }, t('web.reg.since', { date: fmtDate(x.since) })) : null,
      x.status && x.status !== 'active' ? h('span', { class: 'badge warn' },
        PARTNER_STATUS[x.status] ?? humanize(x.status),
        x.suspended_since ? ` ${t('web.reg.since', { date: fmtDate(x.suspended_since) })}` : '') : null))));
}

async function officesTab(ctx, el) {
  const [all, { fc, worldMap }] = await Promise.all([api.allOffices(),
    import('../map.js').then((m) => m.loadWorld().then((fc) => ({ fc, worldMap: m.worldMap })))]);
  if (!ctx.alive()) return;
  const thisYear = Number(today().slice(0, 4));
  const dateInput = h('input', { type: 'date', id: 'offices-at', min: '1949-01-01', max: '2100-12-31' });
  const todayBtn = h('button', { type: 'button', class: 'btn small', onclick: () => draw(today()) },
    t('web.bodies.today'));
  const slider = h('input', { type: 'range', id: 'offices-year', min: 1990, max: thisYear, step: 1 });
  const yearOut = h('output', { for: 'offices-year', class: 'year-out' });
  const REGIONS = { world: null, europe: { lon: [-28, 62], lat: [24, 71] } };
  let region = 'world';
  const regionBtns = Object.keys(REGIONS).map((k) => h('button', {
    type: 'button', class: 'btn small', 'data-region': k, 'aria-pressed': String(k === region),
    onclick: () => {
      region = k;
      for (const b of regionBtns) b.setAttribute('aria-pressed', String(b.getAttribute('data-region') === k));
      drawMap();
    },
  }, t(k === 'world' ? 'web.reg.region.world' : 'web.reg.region.europe')));
  let mapData = null;
  function drawMap() {
    if (!mapData) return;
    const { svg } = worldMap(fc, {
      ...mapData, width: 960, height: region === 'world' ? 470 : 560, region: REGIONS[region],
    });
    mapWrap.replaceChildren(svg);
  }
  const summary = h('p', { class: 'sub', id: 'offices-summary', 'aria-live': 'polite' });
  const mapWrap = h('div', { class: 'map-wrap' });
  const tbody = h('tbody', {});
  const caption = h('caption', { class: 'sr-only' });
  dateInput.addEventListener('change', () => { if (isDay(dateInput.value)) draw(dateInput.value); });
  let timer = null;
  slider.addEventListener('input', () => {
    yearOut.textContent = slider.value;
    slider.setAttribute('aria-valuetext', slider.value);
    clearTimeout(timer);
    timer = setTimeout(() => draw(Number(slider.value) === thisYear ? today() : `${slider.value}-12-31`), 150);
  });
  ctx.onCleanup(() => clearTimeout(timer));

  replace(el,
    h('div', { class: 'section-head wrap' }, summary,
      h('div', { class: 'head-tools' },
        h('label', { for: 'offices-at', class: 'inline-label' }, t('web.reg.as_of')), dateInput, todayBtn,
        h('label', { for: 'offices-year', class: 'inline-label' }, t('web.reg.year')), slider, yearOut)),
    h('section', { class: 'card map-card', 'aria-labelledby': 'map-h' },
      h('div', { class: 'map-tools' }, h('h2', { id: 'map-h' }, t('web.reg.map')),
        h('div', { class: 'seg', role: 'group', 'aria-label': t('web.reg.map_region') }, regionBtns)),
      mapWrap,
      h('ul', { class: 'map-legend', 'aria-label': t('web.reg.map_legend') },
        [['member', 'web.reg.legend.member'], ['partner', 'web.reg.legend.partner'], ['open', 'web.reg.legend.open'],
          ['closed', 'web.reg.legend.closed'], ['out', 'web.reg.legend.out'], ['tropic', 'web.reg.legend.tropic']]
          .map(([k, key]) => h('li', {}, h('span', { class: `lg lg-${k}` }), t(key))))),
    h('section', { class: 'card', 'aria-labelledby': 'otable-h' },
      h('h2', { id: 'otable-h' }, t('web.reg.tab.offices')),
      tableWrap(t('web.reg.tab.offices'), h('table', { class: 'table', id: 'offices-table' }, caption,
        h('thead', {}, h('tr', {}, th(t('web.reg.col.office')), th(t('web.reg.col.host')), th(t('web.reg.col.status')),
          th(t('web.reg.col.area')))),
        tbody))));

  let seq = 0;
  async function draw(at) {
    const my = ++seq;
    const [open, mem, par] = await Promise.all([api.offices(at), api.members(at), api.partners(at)]);
    if (!ctx.alive() || my !== seq) return;
    const hash = at === today() ? '#/registry/offices' : `#/registry/offices?at=${at}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    dateInput.value = at;
    todayBtn.disabled = at === today();
    const y = Number(at.slice(0, 4));
    if (document.activeElement !== slider) slider.value = String(Math.max(1990, Math.min(thisYear, y)));
    yearOut.textContent = String(y);
    slider.setAttribute('aria-valuetext', String(y));
    const rows = officeRows(all.offices, open.offices, at);
    const { open: nOpen, out: nOut, other: nOther } = officeCounts(rows);
    const shade = {};
    for (const p of par.partners) shade[p.code] = 'partner';
    for (const m of mem.members) shade[m.code] = 'member';
    const markers = officeMarkers(rows);
    mapData = {
      shade, markers,
      label: t('web.reg.map_label', { date: fmtDate(at), open: nOpen, out: nOut }),
    };
    drawMap();
    summary.textContent = t('web.reg.offices_summary', { date: fmtDate(at), open: nOpen, out: nOut, other: nOther });
    caption.textContent = t('web.reg.offices_on', { date: fmtDate(at) });
    replace(tbody, rows.map(officeRow));
  }
  await draw(dateOf(ctx));
}

function officeRow(r) {
  return h('tr', {
    'data-office': r.id, 'data-open': String(r.isOpen), 'data-out-of-area': String(!!r.out),
    class: r.isOpen ? '' : 'muted',
  },
  h('td', {}, h('span', { class: 'oname' }, r.name), h('div', { class: 'sub' }, humanize(r.kind || ''),
    r.decision ? h('span', {}, ` · ${t('web.reg.by')} `,
      h('a', { href: `#/proposals/${r.decision}` }, t('web.reg.decision', { id: r.decision })))
      : null)),
  h('td', {}, `${r.city}, ${r.country}`),
  h('td', {}, h('span', { class: `badge ${r.isOpen ? 'status-adopted' : 'subtle'}` }, OFFICE_STATE_LABEL[r.state]),
    h('div', { class: 'sub' }, officeStatusText(r))),
  h('td', {}, r.out
    ? h('span', { class: 'badge warn', title: areaText(r.area, r.country) }, icon('out'), t('web.reg.out_of_area'))
    : h('span', { class: 'badge subtle', title: areaText(r.area, r.country) }, t('web.reg.in_area'))));
}
