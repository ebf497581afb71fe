// ui.js - shared pieces: labels, badges, alerts, the modal dialog, toasts.
import { h, icon } from './dom.js';
import { localInputToISO, timeText } from './time.js';
import { labels, t } from './i18n.js';

export const POSITIONS = ['concur', 'object', 'abstain', 'reserve', 'footnote', 'silent'];
// The labels of the API's words, in the page's language (i18n.js labels):
// POSITION_LABEL.concur is the catalogue's position.concur.
export const POSITION_LABEL = labels({
  concur: 'position.concur', object: 'position.object', abstain: 'position.abstain', reserve: 'position.reserve',
  footnote: 'position.footnote', silent: 'position.silent',
});
export const POSITION_ICON = {
  concur: 'check', object: 'cross', abstain: 'minus', reserve: 'pause', footnote: 'pen', silent: 'dot',
};
export const OUTCOME_LABEL = labels({
  adopted: 'outcome.adopted', blocked: 'outcome.blocked', failed: 'outcome.failed', withdrawn: 'outcome.withdrawn',
  lapsed: 'outcome.lapsed',
});
export const PROCEDURE_LABEL = labels({
  meeting: 'procedure.meeting', silence: 'procedure.silence', ratification: 'procedure.ratification',
  vote: 'procedure.vote', written: 'procedure.written',
});
// A member's vote (procedure vote or written), and 'not-voted' while it has
// not; each is drawn in the colour of the position it counts as.
export const VOTES = ['yes', 'no', 'abstain', 'not-participating', 'not-voted'];
export const VOTE_LABEL = labels({
  yes: 'vote.yes', no: 'vote.no', abstain: 'vote.abstain', 'not-participating': 'vote.not-participating',
  'not-voted': 'vote.not-voted',
});
export const VOTE_POSITION = {
  yes: 'concur', no: 'object', abstain: 'abstain', 'not-participating': 'silent', 'not-voted': 'silent',
};
export const LEVEL_LABEL = labels({
  'permanent-representatives': 'level.permanent-representatives',
  'foreign-ministers': 'level.foreign-ministers',
  'defence-ministers': 'level.defence-ministers',
  'heads-of-state-and-government': 'level.heads-of-state-and-government',
});
export const FRAMEWORK_LABEL = labels({
  'partners-across-the-globe': 'framework.partners-across-the-globe',
  'partnership-for-peace': 'framework.partnership-for-peace',
  'mediterranean-dialogue': 'framework.mediterranean-dialogue',
  'istanbul-cooperation-initiative': 'framework.istanbul-cooperation-initiative',
});
export const humanize = (s) => String(s || '').replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());

export function statusOf(p) {
  if (p.status === 'concluded') return p.outcome || 'concluded';
  return p.procedure === 'silence' ? 'silence' : 'open';
}
const OPEN_LABEL = labels({
  silence: 'web.open.silence', ratification: 'web.open.ratification', vote: 'web.open.vote',
  written: 'web.open.written',
});
export function statusLabel(p) {
  if (p.status === 'concluded') return OUTCOME_LABEL[p.outcome] ?? t('web.status.concluded');
  return OPEN_LABEL[p.procedure] || t('web.status.open');
}

export function statusBadge(p) {
  const st = statusOf(p);
  return h('span', { class: `badge status-${st}`, 'data-status': st }, statusLabel(p));
}

export function positionBadge(pos, extra) {
  return h('span', { class: `pos-badge pos-${pos}`, 'data-position': pos },
    icon(POSITION_ICON[pos] || 'dot'), POSITION_LABEL[pos] || pos, extra || null);
}

export function alertBox(msg, kind = 'error') {
  return h('div', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, msg);
}

export function errorText(e) {
  if (!e) return '';
  if (e.status === 0) return e.message;
  return e.message || String(e);
}

export function empty(msg) {
  return h('p', { class: 'empty' }, msg);
}

export function loading(msg = t('web.loading')) {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), msg);
}

// A "Show more" button (in its paragraph): more() reads and draws the
// next page.  While a page is on its way a press does nothing (aria-busy
// says so); a failure is a toast, and the button can be pressed again.
export function moreButton(id, label, more) {
  let fetching = false;
  return h('p', { class: 'more' }, h('button', { type: 'button', class: 'btn', id, onclick: async (ev) => {
    if (fetching) return;
    const button = ev.currentTarget;
    fetching = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await more();
    } catch (e) {
      toast(errorText(e), 'warn');
    } finally {
      fetching = false;
      button.removeAttribute('aria-busy');
    }
  } }, label));
}

// ---- toasts -----------------------------------------------------------------
export function toast(msg, kind = 'ok') {
  const region = document.getElementById('toasts');
  if (!region) return;
  const t = h('div', { class: `toast toast-${kind}` }, msg);
  region.append(t);
  setTimeout(() => t.classList.add('leaving'), 4200);
  setTimeout(() => t.remove(), 4600);
}

// ---- tables that may scroll sideways --------------------------------------------
// A table in a box that scrolls sideways on a narrow screen.  While it does,
// the box says so (a line above it, shadows at the edges that hide columns)
// and can be reached with the keyboard (a named, focusable region), so its
// hidden columns can be scrolled into view with the arrow keys.
export function tableWrap(label, table) {
  const wrap = h('div', { class: 'table-wrap' }, table);
  const hint = h('p', { class: 'scroll-hint', 'aria-hidden': 'true' }, icon('arrow'), t('web.table.scroll_hint'));
  const box = h('div', { class: 'table-scroll' }, hint, wrap);
  const check = () => {
    const over = wrap.scrollWidth > wrap.clientWidth + 1;
    box.classList.toggle('overflows', over);
    const aria = t('web.table.scroll_label', { label });
    for (const [k, v] of [['tabindex', '0'], ['role', 'region'], ['aria-label', aria]]) {
      if (over) wrap.setAttribute(k, v); else wrap.removeAttribute(k);
    }
  };
  // Called after layout and before paint: the hint never moves what is drawn.
  const ro = new ResizeObserver(check);
  ro.observe(wrap);
  ro.observe(table);
  return box;
}

// ---- focus ------------------------------------------------------------------
// Where focus goes when the element that had it is gone: the first of
// `candidates` that is in the page, shown and enabled, else the view's h1.
export function focusFirst(...candidates) {
  const ok = (el) => el && el.isConnected && el.getClientRects().length && !el.disabled;
  const el = candidates.find(ok) || document.querySelector('main h1');
  el?.focus();
  return el;
}

// ---- modal dialog -------------------------------------------------------------
// fields: [{name, label, type: text|textarea|checkbox|datetime, required, value, hint, rows}]
// onConfirm(values) may throw: the message shows in the dialog, which stays open.
// On closing, focus goes back to the button that opened it, or, when that
// button was drawn anew meanwhile (an action re-renders its panel), to the
// one that took its place (same data-focus), else to fallbackFocus(), else
// to the view's heading: never to the page's start.
let dialogSeq = 0;
export function openDialog({
  title, body, fields = [], confirmLabel = t('web.dialog.confirm'), danger = false, onConfirm, fallbackFocus,
}) {
  const id = `dlg${++dialogSeq}`;
  const opener = document.activeElement;
  const openerKey = opener?.getAttribute?.('data-focus');
  const err = h('div', { class: 'dialog-error', 'aria-live': 'assertive' });
  const inputs = {};
  const fieldEls = fields.map((f) => {
    const fid = `${id}-${f.name}`;
    const hintId = f.hint ? `${fid}-hint` : null;
    if (f.type === 'checkbox') {
      inputs[f.name] = h('input', { type: 'checkbox', id: fid, name: f.name, checked: !!f.value });
      return h('div', { class: 'field check' }, inputs[f.name], h('label', { for: fid }, f.label));
    }
    let input;
    if (f.type === 'textarea') {
      input = h('textarea', {
        id: fid, name: f.name, rows: f.rows || 4, required: !!f.required, 'aria-describedby': hintId,
        value: f.value || '',
      });
    } else if (f.type === 'datetime') {
      input = h('input', {
        type: 'datetime-local', id: fid, name: f.name, required: !!f.required, 'aria-describedby': `${fid}-utc`,
        value: f.value || '',
      });
    } else {
      input = h('input', {
        type: 'text', id: fid, name: f.name, required: !!f.required, 'aria-describedby': hintId,
        value: f.value || '',
      });
    }
    inputs[f.name] = input;
    const utc = f.type === 'datetime' ? h('p', { class: 'hint', id: `${fid}-utc` }) : null;
    if (utc) {
      const upd = () => {
        const iso = localInputToISO(input.value);
        utc.textContent = iso ? timeText(iso) : t('web.dialog.zone_hint');
      };
      input.addEventListener('input', upd);
      upd();
    }
    return h('div', { class: 'field' },
      h('label', { for: fid }, f.label, f.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
      input, f.hint ? h('p', { class: 'hint', id: hintId }, f.hint) : null, utc);
  });
  const confirmBtn = h('button', {
    type: 'submit', class: danger ? 'btn danger' : 'btn primary', 'data-focus': 'confirm',
  }, confirmLabel);
  const cancelBtn = h('button', { type: 'button', class: 'btn', value: 'cancel' }, t('web.dialog.cancel'));
  const form = h('form', { method: 'dialog', novalidate: true },
    h('h2', { id: `${id}-title` }, title),
    body ? h('div', { class: 'dialog-body', id: `${id}-body` }, body) : null,
    fieldEls, err,
    h('div', { class: 'dialog-actions' }, cancelBtn, confirmBtn));
  const dlg = h('dialog', {
    class: danger ? 'dialog danger' : 'dialog', 'aria-labelledby': `${id}-title`,
    'aria-describedby': body ? `${id}-body` : null,
  }, form);
  document.body.append(dlg);
  const close = () => { dlg.close(); };
  dlg.addEventListener('close', () => {
    dlg.remove();
    focusFirst(opener, openerKey && document.querySelector(`[data-focus="${CSS.escape(openerKey)}"]`),
      fallbackFocus?.());
  });
  cancelBtn.addEventListener('click', close);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const values = {};
    for (const f of fields) {
      const el = inputs[f.name];
      if (f.type === 'checkbox') { values[f.name] = el.checked; continue; }
      const v = el.value.trim();
      if (f.required && !v) {
        err.textContent = t('web.dialog.required', { label: f.label });
        el.setAttribute('aria-invalid', 'true');
        el.focus();
        return;
      }
      el.removeAttribute('aria-invalid');
      values[f.name] = f.type === 'datetime' ? localInputToISO(el.value) : v;
    }
    confirmBtn.disabled = true;
    confirmBtn.setAttribute('aria-busy', 'true');
    try {
      if (onConfirm) await onConfirm(values);
      close();
    } catch (e) {
      err.textContent = errorText(e);
    } finally {
      confirmBtn.disabled = false;
      confirmBtn.removeAttribute('aria-busy');
    }
  });
  dlg.showModal();
  (fields.length ? inputs[fields[0].name] : cancelBtn).focus();
  return dlg;
}
