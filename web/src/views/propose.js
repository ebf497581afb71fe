// views/propose.js - the secretariat puts a proposal before a body: meeting,
// silence (with a deadline), ratification, roll-call vote or written
// procedure (with a deadline), under the body's rule or one of its named
// rules (naming the State concerned where the rule leaves it out), with
// effects such as opening an office (the location picked on the map or
// typed as coordinates).
import { h, replace, icon } from '../dom.js';
import * as api from '../api.js';
import { localInputToISO, isoToLocalInput, timeText, today } from '../time.js';
import { alertBox, errorText, toast, LEVEL_LABEL, FRAMEWORK_LABEL, PROCEDURE_LABEL } from '../ui.js';
import {
  slug, parseCoords, treatyAreaAdvice, proposalRequest, openOfficeEffect, closeOfficeEffect, admitMemberEffect,
  addPartnerEffect, PROCEDURES, DEADLINE_NAME,
} from '../model/propose.js';
import { namedRules } from '../model/bodies.js';
import { t } from '../i18n.js';

const SUBMIT_LABEL = {
  silence: t('web.new.submit.silence'), written: t('web.new.submit.written'), vote: t('web.new.submit.vote'),
};
const KINDS = ['liaison', 'information', 'military-liaison', 'documentation', 'regional-centre', 'headquarters'];
let effectSeq = 0;

export async function proposeView(ctx) {
  ctx.title(t('web.nav.propose'));
  const [bodies, mem, offs, names] = await Promise.all([
    api.bodies(), api.members(), api.offices(), api.names().catch(() => new Map()),
  ]);
  if (!ctx.alive()) return;
  const memberCodes = new Set(mem.members.map((m) => m.code));
  const live = bodies.bodies.filter((b) => b.exists_on_date && b.members_on_date > 0);
  // Who sits today on each body with a rule applied without the State
  // concerned: the choices for that State.
  const withConcerned = live.filter((b) => namedRules(b).some((r) => r.concerned));
  const sitting = new Map(await Promise.all(withConcerned.map(async (b) => [b.id, (await api.members(undefined, b.id))
    .members])));
  if (!ctx.alive()) return;

  const formErr = h('div', { class: 'form-error', tabindex: '-1' });
  const field = (id, label, input, hint, req) => h('div', { class: 'field' },
    h('label', { for: id }, label, req ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    input, hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);

  const bodySel = h('select', { id: 'p-body', name: 'body', required: true },
    live.map((b) => h('option', { value: b.id },
      t('web.new.body_option', { name: b.name, id: b.id, n: b.members_on_date }))));
  bodySel.value = live.find((b) => b.id === 'NAC') ? 'NAC' : live[0]?.id;
  const title = h('input', {
    id: 'p-title', name: 'title', type: 'text', required: true, maxlength: 300, autocomplete: 'off',
  });
  const text = h('textarea', { id: 'p-text', name: 'text', rows: 6 });
  const shared = h('input', { id: 'p-shared', name: 'shared', type: 'checkbox' });

  const procRadios = PROCEDURES.map((v) => h('input', {
    type: 'radio', name: 'procedure', id: `p-proc-${v}`, value: v,
  }));
  const procDesc = {
    meeting: t('web.prop.meeting_note'),
    silence: t('web.new.hint.silence'),
    ratification: t('web.new.hint.ratification'),
    vote: t('web.new.hint.vote'),
    written: t('web.new.hint.written'),
  };
  const deadline = h('input', {
    id: 'p-deadline', name: 'deadline', type: 'datetime-local', 'aria-describedby': 'p-deadline-utc',
    value: isoToLocalInput(new Date(Date.now() + 48 * 3600e3).toISOString().replace(/:\d\d\.\d+Z$/, ':00Z')),
  });
  const deadlineUtc = h('p', { class: 'hint', id: 'p-deadline-utc' });
  const showUtc = () => {
    const iso = localInputToISO(deadline.value);
    deadlineUtc.textContent = iso ? `${timeText(iso)} — the procedure ends then.` : t('web.new.your_zone');
  };
  deadline.addEventListener('input', showUtc);
  showUtc();
  const level = h('select', { id: 'p-level', name: 'level' }, h('option', { value: '' }, '—'),
    Object.entries(LEVEL_LABEL).map(([v, l]) => h('option', { value: v }, l)));
  const place = h('input', { id: 'p-place', name: 'place', type: 'text', placeholder: 'NATO Headquarters, Brussels' });
  const deadlineField = field('p-deadline', t('web.new.deadline'), deadline, null, true);
  const deadlineBox = h('div', { class: 'when-deadline' }, deadlineField, deadlineUtc);
  const meetingBox = h('div', { class: 'when-meeting two' },
    field('p-level', t('web.prop.meta.level'), level), field('p-place', t('web.prop.meta.place'), place));
  // What breaks silence: an objection, and a proposed amendment too if
  // ticked (the OSCE's practice); the body's own by default.
  const breaksAmend = h('input', { id: 'p-breaks-amend', name: 'breaks', type: 'checkbox' });
  const breaksBox = h('div', { class: 'field check when-silence' }, breaksAmend,
    h('label', { for: 'p-breaks-amend' }, t('web.new.breaks_amend')));
  // The rule: the body's own, or one of its named rules (GET /bodies:
  // `rules`); one applied without the State concerned asks which.
  const ruleSel = h('select', { id: 'p-rule', name: 'rule', 'aria-describedby': 'p-rule-text' });
  const ruleText = h('p', { class: 'hint', id: 'p-rule-text' });
  const concernedSel = h('select', { id: 'p-concerned', name: 'concerned', 'aria-describedby': 'p-concerned-hint' });
  const concernedBox = field('p-concerned', t('web.prop.meta.concerned'), concernedSel,
    t('web.new.concerned_hint'), true);
  const ruleBox = h('div', { class: 'when-rule' }, field('p-rule', t('web.prop.meta.rule'), ruleSel), ruleText,
    concernedBox);
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'p-submit' }, t('web.new.submit.propose'));

  const bodyOf = () => live.find((x) => x.id === bodySel.value);
  const chosenRule = () => namedRules(bodyOf()).find((r) => r.name === ruleSel.value);
  const procedure = () => procRadios.find((r) => r.checked)?.value;
  function syncRule() {
    const b = bodyOf();
    const r = chosenRule();
    ruleText.textContent = t('web.new.counted_under', { rule: r ? r.rule : b?.rule || '—' });
    concernedBox.hidden = !r?.concerned;
    concernedSel.required = !!r?.concerned;
  }
  function syncProcedure() {
    const v = procedure();
    deadlineBox.hidden = !DEADLINE_NAME[v];
    deadline.required = !!DEADLINE_NAME[v];
    if (DEADLINE_NAME[v]) {
      deadlineField.querySelector('label').firstChild.textContent =
        t(v === 'written' ? 'web.new.deadline_name.written' : 'web.new.deadline_name.silence');
    }
    breaksBox.hidden = v !== 'silence';
    meetingBox.hidden = v !== 'meeting' && v !== 'vote';
    // ratification needs every member whatever the rule
    ruleBox.hidden = !namedRules(bodyOf()).length || v === 'ratification';
    submit.textContent = SUBMIT_LABEL[v] || t('web.new.submit.propose');
  }
  function setBody() {
    const b = bodyOf();
    const named = namedRules(b);
    const dflt = named.find((r) => r.isDefault);
    ruleSel.replaceChildren(h('option', { value: '' },
      dflt ? t('web.new.default_rule', { name: dflt.name }) : t('web.new.body_rule')),
      ...named.filter((r) => r !== dflt).map((r) => h('option', { value: r.name },
        r.concerned ? t('web.new.rule_concerned', { name: r.name }) : r.name)));
    concernedSel.replaceChildren(h('option', { value: '' }, '— choose —'),
      ...(sitting.get(b?.id) || []).map((m) => h('option', { value: m.code }, `${m.name} (${m.code})`)));
    breaksAmend.checked = (b?.silence_breaks || []).includes('amend');
    const v = PROCEDURES.includes(b?.procedure) ? b.procedure : 'meeting';
    procRadios.forEach((r) => { r.checked = r.value === v; });
    syncRule();
    syncProcedure();
  }
  procRadios.forEach((r) => r.addEventListener('change', syncProcedure));
  ruleSel.addEventListener('change', syncRule);
  bodySel.addEventListener('change', setBody);
  // What breaks silence, sent only when it is not the body's own.
  const breaksAsked = () => {
    const own = (bodyOf()?.silence_breaks || []).includes('amend');
    if (breaksAmend.checked === own) return null;
    return breaksAmend.checked ? ['object', 'amend'] : ['object'];
  };

  // ---- effects --------------------------------------------------------------------
  const effectsList = h('div', { class: 'effects-editor', id: 'effects-editor' });
  const editors = [];
  function addEffect(type) {
    const ed = makeEditor(type, { memberCodes, names, offices: offs.offices, remove: () => {
      editors.splice(editors.indexOf(ed), 1);
      ed.el.remove();
      addButtons.querySelector('button')?.focus();
    } });
    editors.push(ed);
    effectsList.append(ed.el);
    ed.el.querySelector('input, select')?.focus();
  }
  const addButtons = h('div', { class: 'add-effects' },
    h('button', {
      type: 'button', class: 'btn small', id: 'add-open-office', onclick: () => addEffect('open-office'),
    }, t('web.new.add.open-office')),
    [['close-office', 'web.new.add.close-office'], ['admit-member', 'web.new.add.admit-member'],
      ['add-partner', 'web.new.add.add-partner']].map(([k, key]) => h('button', {
      type: 'button', class: 'btn small', onclick: () => addEffect(k),
    }, t(key))));

  const form = h('form', { class: 'propose-form', id: 'propose-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    formErr.replaceChildren();
    const { request: body, problems: formProblems } = proposalRequest({
      body: bodySel.value, title: title.value, text: text.value, procedure: procedure(), shared: shared.checked,
      deadline: localInputToISO(deadline.value), level: level.value, place: place.value,
      rule: ruleSel.value, ruleConcerned: !!chosenRule()?.concerned, concerned: concernedSel.value,
      breaks: breaksAsked(),
    }, Date.now());
    const problems = formProblems.map(([k, msg]) => [`p-${k}`, msg]);
    const effects = [];
    for (const ed of editors) {
      const r = ed.value();
      if (r.error) problems.push(r.error); else effects.push(r.effect);
    }
    if (effects.length) body.effects = effects;
    clearProblems(form);
    if (problems.length) {
      markProblems(problems);
      formErr.replaceChildren(alertBox(h('div', {}, h('strong', {}, t('web.new.correct')),
        h('ul', {}, problems.map(([id, msg]) => h('li', {}, h('a', {
          href: `#${id}`, onclick: (e) => { e.preventDefault(); document.getElementById(id)?.focus(); },
        }, msg)))))));
      formErr.focus();
      return;
    }
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    try {
      const p = await api.propose(body);
      toast(t(p.procedure === 'silence' ? 'web.new.done_silence' : p.procedure === 'written' ? 'web.new.done_written'
        : 'web.new.done', { id: p.id, body: p.body_name }));
      ctx.navigate(`#/proposals/${p.id}`);
    } catch (e) {
      // The server names the field it refused ("field 'concerned'"): mark it.
      const named = /field '([a-z_]+)'/.exec(errorText(e))?.[1];
      if (named && document.getElementById(`p-${named}`)) markProblems([[`p-${named}`, errorText(e)]]);
      formErr.replaceChildren(alertBox(t('web.new.refused', { error: errorText(e) })));
      formErr.focus();
    } finally {
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
    }
  } },
  formErr,
  h('fieldset', { class: 'card' }, h('legend', {}, h('h2', { class: 'legend-h' }, t('web.procs.col_proposal'))),
    field('p-body', t('web.prop.meta.body'), bodySel,
      t('web.new.body_hint'), true),
    field('p-title', t('web.new.title'), title, null, true),
    field('p-text', t('web.prop.text'), text),
    h('div', { class: 'field check' }, shared,
      h('label', { for: 'p-shared' }, t('web.new.share')))),
  h('fieldset', { class: 'card' }, h('legend', {}, h('h2', { class: 'legend-h' }, t('web.new.procedure'))),
    h('div', { class: 'radio-cards', role: 'radiogroup', 'aria-label': t('web.new.procedure') },
      procRadios.map((r) => h('label', { class: 'radio-card', for: r.id }, r,
        h('span', {}, h('strong', {}, PROCEDURE_LABEL[r.value]),
          h('span', { class: 'sub' }, procDesc[r.value]))))),
    ruleBox, deadlineBox, breaksBox, meetingBox),
  h('fieldset', { class: 'card' }, h('legend', {}, h('h2', { class: 'legend-h' }, t('web.new.effects'))),
    h('p', { class: 'sub' }, t('web.new.effects_hint')),
    effectsList, addButtons),
  h('div', { class: 'form-actions' }, h('a', { class: 'btn ghost', href: '#/proposals' }, t('web.dialog.cancel')),
    submit));

  replace(ctx.el,
    h('div', { class: 'page-head' }, h('div', {},
      h('h1', { tabindex: '-1' }, t('web.nav.propose')),
      h('p', { class: 'lead' }, t('web.new.lead')))),
    form);
  setBody();
  title.focus();
}

// Each problem [field id, message] marked on its field: aria-invalid, and
// the message under the field, joined to its description.
function markProblems(problems) {
  for (const [id, msg] of problems) {
    const el = document.getElementById(id);
    if (!el) continue;
    el.setAttribute('aria-invalid', 'true');
    const errId = `${id}-error`;
    const holder = el.closest('.field') || el.parentElement;
    if (!document.getElementById(errId)) holder.append(h('p', { class: 'field-error', id: errId }, msg));
    const by = (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    if (!by.includes(errId)) el.setAttribute('aria-describedby', [errId, ...by].join(' '));
  }
}

// The marks of the last attempt removed.
function clearProblems(form) {
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const by = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== `${el.id}-error`);
    if (by.length) el.setAttribute('aria-describedby', by.join(' ')); else el.removeAttribute('aria-describedby');
  }
  for (const p of form.querySelectorAll('.field-error')) p.remove();
}

function makeEditor(type, { memberCodes, names, offices, remove }) {
  const n = ++effectSeq;
  const id = (k) => `e${n}-${k}`;
  // A problem names the field by its key; the form needs the field's id.
  const withIds = (r) => (r.error ? { error: [id(r.error[0]), r.error[1]] } : r);
  const inp = (k, attrs = {}) => h('input', { id: id(k), name: k, type: 'text', autocomplete: 'off', ...attrs });
  const fld = (k, label, input, req, hint) => h('div', { class: 'field' },
    h('label', { for: id(k) }, label, req ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    input, hint ? h('p', { class: 'hint' }, hint) : null);
  // The effect's fieldset: its legend (for screen readers), heading and Remove button.
  const box = (label, ...kids) => h('fieldset', { class: 'effect-editor', 'data-effect': type },
    h('legend', { class: 'sr-only' }, label),
    h('div', { class: 'effect-head' }, h('h3', {}, label),
      h('button', {
        type: 'button', class: 'btn small ghost', 'aria-label': t('web.new.remove_label', { label }), onclick: remove,
      }, t('web.new.remove'))),
    kids);

  if (type === 'open-office') {
    const f = {
      name: inp('name', { placeholder: 'NATO Liaison Office Tokyo' }),
      city: inp('city', { placeholder: 'Tokyo' }),
      country: inp('country', { maxlength: 2, placeholder: 'JP', class: 'short', autocapitalize: 'characters' }),
      kind: h('select', { id: id('kind'), name: 'kind' },
        KINDS.map((k) => h('option', { value: k }, k.replace(/-/g, ' ')))),
      oid: inp('id', { placeholder: 'nlo-tokyo', pattern: '[a-z0-9-]+' }),
      lat: inp('lat', { inputmode: 'decimal', placeholder: '35.68', class: 'short' }),
      lon: inp('lon', { inputmode: 'decimal', placeholder: '139.69', class: 'short' }),
      opened: h('input', { id: id('opened'), name: 'opened', type: 'date' }),
    };
    let idTouched = false;
    f.oid.addEventListener('input', () => { idTouched = true; });
    f.city.addEventListener('input', () => {
      if (!idTouched) f.oid.value = f.city.value ? `nlo-${slug(f.city.value)}` : '';
    });
    f.country.addEventListener('input', () => { f.country.value = f.country.value.toUpperCase(); area(); });
    const areaEl = h('div', { class: 'area-preview', 'aria-live': 'polite' });
    const mapBox = h('div', { class: 'picker-map' }, h('p', { class: 'sub' }, t('web.new.map_loading')));
    let redraw = () => {};
    const coords = () => parseCoords(f.lat.value, f.lon.value);
    function area() {
      const { area: where, reasons } = treatyAreaAdvice(f.country.value.trim(), coords(), memberCodes, names);
      if (where === 'out') {
        areaEl.replaceChildren(h('div', { class: 'area-flag out', 'data-treaty-area': 'out' }, icon('out'),
          h('div', {}, h('strong', {}, t('web.new.likely_out')),
            h('p', {}, t('web.new.out_reasons', { reasons: reasons.join('; ') })))));
      } else if (where === 'in') {
        areaEl.replaceChildren(h('div', { class: 'area-flag in', 'data-treaty-area': 'in' }, icon('check'),
          h('div', {}, h('strong', {}, t('web.prop.in_area')),
            h('p', {}, t('web.new.in_area_hint')))));
      } else {
        areaEl.replaceChildren();
      }
    }
    for (const k of ['lat', 'lon']) f[k].addEventListener('input', () => { area(); redraw(); });
    // The map's code and data, loaded when an office is to be placed.
    import('../map.js').then((m) => m.loadWorld().then((fc) => ({ m, fc }))).then(({ m, fc }) => {
      const { worldMap, drawMarkers, countryAt, svgPoint } = m;
      const { svg, proj, markersLayer } = worldMap(fc, {
        width: 720, height: 360, label: t('web.new.map_label'),
        shade: Object.fromEntries([...memberCodes].map((c) => [c, 'member'])),
      });
      svg.classList.add('pickable');
      redraw = () => {
        const c = coords();
        const picked = c ? [{ lon: c[0], lat: c[1], cls: 'picked', r: 6, title: t('web.new.new_office') }] : [];
        drawMarkers(markersLayer, proj, picked);
      };
      svg.addEventListener('click', (ev) => {
        const pt = svgPoint(svg, ev);
        const ll = pt && proj.invert([pt.x, pt.y]);
        if (!ll || !Number.isFinite(ll[0])) return;
        f.lat.value = ll[1].toFixed(2);
        f.lon.value = ll[0].toFixed(2);
        const c = countryAt(fc, ll[0], ll[1]);
        if (c?.code && !f.country.value) f.country.value = c.code;
        area();
        redraw();
      });
      mapBox.replaceChildren(svg, h('p', { class: 'hint' }, t('web.new.map_hint')));
      redraw();
    }).catch(() => mapBox.replaceChildren(
      h('p', { class: 'hint' }, t('web.new.map_failed'))));
    const el = box(t('web.prop.open_office'),
      h('div', { class: 'grid-2' },
        fld('name', t('web.new.office_name'), f.name, true),
        fld('city', t('web.new.host_city'), f.city, true),
        fld('country', t('web.new.country'), f.country, true),
        fld('kind', t('web.prop.office.kind'), f.kind),
        fld('id', t('web.prop.office.id'), f.oid, true, t('web.new.id_hint')),
        fld('opened', t('web.new.opens_on'), f.opened, false, t('web.new.opens_hint'))),
      h('div', { class: 'coords' },
        fld('lat', t('web.new.lat'), f.lat), fld('lon', t('web.new.lon'), f.lon)),
      areaEl, mapBox);
    return {
      el,
      value: () => withIds(openOfficeEffect({
        id: f.oid.value, name: f.name.value, city: f.city.value, country: f.country.value, kind: f.kind.value,
        lat: f.lat.value, lon: f.lon.value, opened: f.opened.value,
      })),
    };
  }
  if (type === 'close-office') {
    const sel = h('select', { id: id('office'), name: 'office' },
      offices.map((o) => h('option', { value: o.id }, `${o.name} — ${o.city}`)));
    return {
      el: box(t('web.new.close_office'), fld('office', t('web.new.office_open'), sel, true)),
      value: () => withIds(closeOfficeEffect(sel.value)),
    };
  }
  if (type === 'admit-member') {
    const code = inp('code', { maxlength: 2, class: 'short' });
    const nm = inp('name');
    const eff = h('input', { id: id('effective'), name: 'effective', type: 'date', value: today() });
    return {
      el: box(t('web.new.admit_member'), h('div', { class: 'grid-2' },
        fld('code', t('web.new.code_iso'), code, true), fld('name', t('web.new.name'), nm, true),
        fld('effective', t('web.new.accession'), eff, true))),
      value: () => withIds(admitMemberEffect({ code: code.value, name: nm.value, effective: eff.value })),
    };
  }
  const code = inp('code', { class: 'short' });
  const nm = inp('name');
  const fw = h('select', { id: id('framework'), name: 'framework' },
    Object.entries(FRAMEWORK_LABEL).map(([v, l]) => h('option', { value: v }, l)));
  const since = h('input', { id: id('since'), name: 'since', type: 'date' });
  return {
    el: box(t('web.new.add_partner'), h('div', { class: 'grid-2' },
      fld('code', t('web.new.code'), code, true), fld('name', t('web.new.name'), nm, true),
      fld('framework', t('web.new.framework'), fw, true),
      fld('since', t('web.new.since'), since))),
    value: () => withIds(addPartnerEffect({
      code: code.value, name: nm.value, framework: fw.value, since: since.value,
    })),
  };
}
