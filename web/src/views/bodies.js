// views/bodies.js - the bodies, with their members as of today or a chosen date.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { fmtDate, today } from '../time.js';
import { loading, alertBox, errorText } from '../ui.js';
import { countryName, t } from '../i18n.js';
import { bodyLine, absentCodes, clauseText, namedRules, breaksWords } from '../model/bodies.js';
import { dayOr, isDay } from '../model/registry.js';

export async function bodiesView(ctx) {
  ctx.title(t('web.bodies.title'));
  const at = dayOr(ctx.query.get('at'), today());
  const isToday = at === today();
  const date = h('input', { type: 'date', id: 'bodies-at', value: at, min: '1949-01-01', max: '2100-12-31' });
  const go = (v) => ctx.navigate(v && v !== today() ? `#/bodies?at=${v}` : '#/bodies');
  date.addEventListener('change', () => { if (isDay(date.value)) go(date.value); });
  const list = h('div', { class: 'bodies', id: 'bodies-list' }, loading());
  replace(ctx.el,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', { tabindex: '-1' }, t('web.bodies.title')),
        h('p', { class: 'lead' }, t('web.bodies.lead'))),
      h('form', { class: 'head-tools', onsubmit: (e) => { e.preventDefault(); go(date.value); } },
        h('label', { for: 'bodies-at', class: 'inline-label' }, t('web.bodies.as_of_label')), date,
        h('button', { type: 'button', class: 'btn small', disabled: isToday || null, onclick: () => go('') },
          t('web.bodies.today')),
        h('span', { class: 'chip-row' },
          ['1966-07-01', '2003-02-16', '2023-04-04'].map((d) => h('button', {
            type: 'button', class: 'btn small ghost', onclick: () => go(d),
          }, fmtDate(d)))))),
    h('p', { class: 'as-of', id: 'bodies-as-of', 'aria-live': 'polite' },
      t(isToday ? 'web.bodies.today_is' : 'web.bodies.as_of', { date: fmtDate(at) })),
    list);

  try {
    const [b, all] = await Promise.all([api.bodies(at), api.members(at)]);
    const names = new Map(all.members.map((m) => [m.code, countryName(m.code, m.name)]));
    const per = await Promise.all(b.bodies.map((x) => (x.exists_on_date ? api.members(at, x.id)
      : Promise.resolve({ members: [] }))));
    if (!ctx.alive()) return;
    const allCodes = all.members.map((m) => m.code);
    replace(list, b.bodies.map((body, i) => {
      const ms = per[i].members;
      const absent = absentCodes(body, allCodes, ms.map((m) => m.code));
      return h('article', {
        class: `card body-card${body.exists_on_date ? '' : ' muted'}`, 'data-body': body.id,
        'aria-labelledby': `body-${body.id}`,
      },
        h('header', { class: 'body-head' },
          h('div', {}, h('h2', { id: `body-${body.id}` }, body.name, ' ', h('span', { class: 'code-tag' }, body.id)),
            h('p', { class: 'sub' }, bodyLine(body))),
          h('div', { class: 'big-count', 'data-count': body.members_on_date },
            h('span', { class: 'n' }, body.exists_on_date ? String(ms.length) : '—'),
            h('span', { class: 'l' }, t('web.bodies.members')))),
        body.exists_on_date ? h('p', { class: 'body-links' }, h('a', {
          href: `#/bodies/${body.id}/analysis${isToday ? '' : `?at=${at}`}`, class: 'btn small',
          'data-analysis': body.id,
        }, t('web.bodies.analysis_link'))) : null,
        body.exists_on_date
          ? h('ul', { class: 'member-chips', 'aria-label': t('web.bodies.members_of', { body: body.name }) },
            ms.map((m) => h('li', {
              class: 'chip', 'data-code': m.code,
              title: t('web.bodies.member_since', { name: countryName(m.code, m.name), date: fmtDate(m.accession) }),
            },
              h('strong', {}, m.code), ' ', countryName(m.code, m.name))))
          : h('p', { class: 'empty' }, t('web.bodies.not_existing', { date: fmtDate(at) })),
        absent.length ? h('p', { class: 'absent' }, t('web.bodies.not_sitting'), ' ',
          absent.map((c) => `${names.get(c) || c} (${c})`).join(', ')) : null,
        namedRules(body).length ? h('div', { class: 'named-rules' },
          h('h3', {}, t('web.bodies.named_rules')),
          h('p', { class: 'sub' }, t('web.bodies.named_rules_hint')),
          h('dl', { class: 'kv' }, namedRules(body).map((r) => h('div', { 'data-rule': r.name },
            h('dt', {}, h('strong', {}, r.name), r.isDefault ? ` ${t('web.bodies.default_rule')}` : ''),
            h('dd', {}, h('code', {}, r.rule),
              r.concerned ? h('p', {}, t('web.bodies.concerned')) : null,
              r.note ? h('p', { class: 'note' }, r.note) : null))))) : null,
        body.silence_breaks ? h('p', { class: 'sub' },
          t('web.bodies.breaks', { what: breaksWords(body.silence_breaks) })) : null,
        h('details', { class: 'about' }, h('summary', {}, t('web.bodies.about')),
          h('ul', { class: 'clauses' }, (body.membership || []).map((c) => h('li', {}, clauseText(c)))),
          body.note ? h('p', { class: 'note' }, body.note) : null));
    }));
  } catch (e) {
    if (ctx.alive()) replace(list, alertBox(errorText(e)));
  }
}
