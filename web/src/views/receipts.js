// views/receipts.js - a delegation's receipts (kept in this browser when it
// states a position through the page), the log key the user pins, and a
// "Verify" per receipt that checks the checkpoint's signature and the
// inclusion proof here, with WebCrypto (verify.js).
import { h, replace, icon } from '../dom.js';
import * as api from '../api.js';
import * as store from '../receipts.js';
import { verifyReceipt, parseVkey, receiptFacts } from '../verify.js';
import { timeEl } from '../time.js';
import { alertBox, errorText, positionBadge, loading } from '../ui.js';
import { countryName, t } from '../i18n.js';
import {
  receiptsOf, eventBadgeOf, STATUS_WORD, STATUS_ICON, resultTitle, resultSentence, resultAnnouncement,
} from '../model/receipts.js';

function eventBadge(f) {
  const b = eventBadgeOf(f);
  if (b.position) return positionBadge(b.position);
  return h('span', { class: `pos-badge ${b.cls}`, 'data-event': f.type }, icon(b.icon), b.label);
}

export async function receiptsView(ctx) {
  const me = ctx.principal.code;
  const only = /^\d+$/.test(ctx.query.get('proposal') || '') ? Number(ctx.query.get('proposal')) : null;
  ctx.title(t('web.nav.receipts'));
  replace(ctx.el, loading());

  // The key the server names, fetched once a session: shown, never trusted.
  let serverKey = null;
  let serverErr = null;
  try { serverKey = (await api.logKey()).vkey; } catch (e) { serverErr = e; }
  if (!ctx.alive()) return;

  const announce = h('div', { class: 'sr-only', 'aria-live': 'polite', id: 'receipts-announce' });
  const results = [];

  // ---- the pinned key ----------------------------------------------------------
  const keyStatus = h('div', { class: 'key-status', id: 'key-status' });
  const input = h('input', {
    type: 'text', id: 'pin-input', name: 'vkey', class: 'mono', autocomplete: 'off', autocapitalize: 'off',
    spellcheck: 'false', 'aria-describedby': 'pin-hint pin-error', placeholder: 'NAME+KEYID+KEY',
  });
  const pinError = h('div', { id: 'pin-error', class: 'field-error', role: 'alert' });
  const useServer = serverKey ? h('button', {
    type: 'button', class: 'btn', id: 'use-server-key',
    onclick: () => {
      input.value = serverKey;
      input.removeAttribute('aria-invalid');
      pinError.textContent = '';
      input.focus();
    },
  }, t('web.rec.copy_key')) : null;
  const form = h('form', { id: 'pin-form', class: 'pin-form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'pin-input' }, t('web.rec.published_key')),
      input,
      h('p', { class: 'hint', id: 'pin-hint' }, t('web.rec.pin_hint_1'),
        h('code', {}, 'NAME+KEYID+KEY'), ' (', h('code', {}, 'council log key'),
        t('web.rec.pin_hint_2')),
      pinError),
    h('div', { class: 'form-actions' }, useServer,
      h('button', { type: 'submit', class: 'btn primary', id: 'pin-key' }, icon('pin'), t('web.rec.pin'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    pinError.textContent = '';
    const v = input.value.trim();
    if (!v) { fieldError(t('web.rec.paste')); return; }
    let key;
    try { key = await parseVkey(v); } catch (e) { fieldError(t('web.rec.not_key', { error: e.message })); return; }
    try {
      store.pin(key.vkey);
    } catch {
      fieldError(t('web.rec.storage'));
      return;
    }
    input.removeAttribute('aria-invalid');
    input.value = '';
    for (const r of results) clearResult(r);
    renderKey();
    announce.textContent = t('web.rec.pinned_announce', { key: `${key.name}+${key.id}` });
  });
  function fieldError(msg) {
    pinError.textContent = msg;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  function renderKey() {
    const pinned = store.pinned();
    const same = pinned && serverKey && pinned === serverKey;
    replace(keyStatus,
      h('dl', { class: 'kv key-kv' },
        h('div', {}, h('dt', {}, t('web.rec.pinned')),
          h('dd', {}, pinned ? h('code', { class: 'vkey', id: 'pinned-key' }, pinned)
            : h('span', { class: 'empty', id: 'pinned-key' }, t('web.rec.no_key')))),
        h('div', {}, h('dt', {}, t('web.rec.server_names')),
          h('dd', {}, serverKey ? h('code', { class: 'vkey', id: 'server-key' }, serverKey)
            : h('span', { class: 'empty', id: 'server-key' },
              t('web.rec.not_available', { error: errorText(serverErr) }))))),
      pinned && serverKey ? h('p', {
        class: `key-match ${same ? 'same' : 'differs'}`, 'data-match': same ? 'same' : 'differs',
      },
        icon(same ? 'check' : 'out'),
        same ? t('web.rec.same')
          : t('web.rec.differs')) : null);
  }

  const keyCard = h('section', { id: 'log-key', class: 'card', 'aria-labelledby': 'log-key-h' },
    h('h2', { id: 'log-key-h' }, t('web.rec.log_key')),
    h('p', { class: 'sub' }, t('web.rec.key_lead')),
    keyStatus, form);
  renderKey();

  // ---- the receipts ---------------------------------------------------------------
  const all = store.listFor(me);
  const shown = receiptsOf(all, only);

  function clearResult(r) {
    r.el.className = 'verify-result';
    r.el.removeAttribute('data-result');
    r.el.removeAttribute('data-check');
    r.el.replaceChildren();
  }

  function showResult(el, r) {
    el.className = `verify-result ${r.ok ? 'ok' : 'bad'}`;
    el.setAttribute('data-result', r.ok ? 'verified' : 'failed');
    if (r.ok) el.removeAttribute('data-check'); else el.setAttribute('data-check', r.failed);
    replace(el,
      h('p', { class: 'verify-title' }, icon(r.ok ? 'check' : 'cross', 'icon big'), h('strong', {}, resultTitle(r))),
      h('p', { class: 'verify-summary' }, resultSentence(r)),
      r.ok && r.facts?.receiptKeyDiffers
        ? h('p', { class: 'sub' }, t('web.rec.other_key')) : null,
      r.checks?.length ? h('ul', { class: 'checks', 'aria-label': t('web.rec.checks') }, r.checks.map((c) => h('li', {
        class: `check check-${c.status}`, 'data-check': c.id, 'data-status': c.status,
      }, icon(STATUS_ICON[c.status]),
      h('span', { class: 'check-label' },
        h('span', { class: 'sr-only' }, `${t('web.rec.check_status', { status: STATUS_WORD[c.status] })} `), c.label),
      h('span', { class: 'check-detail' },
        c.detail || (c.status === 'skipped' ? t('web.rec.status.skipped') : ''))))) : null);
  }

  function item(x, i) {
    const f = receiptFacts(x.receipt);
    const proposal = x.proposal ?? f.proposal;
    const hid = `receipt-${i}-h`;
    const result = h('div', { class: 'verify-result' });
    const r = { el: result };
    results.push(r);
    let busy = false;
    const btn = h('button', {
      type: 'button', class: 'btn primary small', 'data-action': 'verify', 'aria-describedby': hid,
      onclick: async () => {
        if (busy) return;
        const key = store.pinned();
        if (!key) {
          clearResult(r);
          result.className = 'verify-result info';
          result.setAttribute('data-result', 'no-key');
          replace(result,
            h('p', {}, t('web.rec.no_key_verify')));
          announce.textContent = t('web.rec.no_key_announce');
          input.focus();
          return;
        }
        busy = true;
        btn.setAttribute('aria-busy', 'true');
        replace(result, loading(t('web.rec.verifying')));
        result.className = 'verify-result';
        let res;
        try {
          res = await verifyReceipt(x.receipt, key);
        } catch (e) {
          res = { ok: false, failed: 'receipt', reason: `it could not be checked: ${errorText(e)}`, checks: [] };
        }
        busy = false;
        btn.removeAttribute('aria-busy');
        if (!ctx.alive()) return;
        showResult(result, res);
        announce.textContent = resultAnnouncement(res);
      },
    }, icon('check'), t('web.rec.verify'));
    const json = JSON.stringify(x.receipt, null, 2);
    const title = x.title || '';
    return h('li', {
      class: 'receipt', 'data-index': f.index ?? null, 'data-seq': f.seq ?? null, 'data-proposal': proposal ?? null,
    },
    h('div', { class: 'receipt-head' },
      h('h3', { id: hid }, proposal != null
        ? h('a', { href: `#/proposals/${proposal}` }, title ? t('web.rec.proposal_title', { id: proposal, title })
          : t('web.prop.proposal', { id: proposal }))
        : t('web.rec.receipt'),
      f.seq != null ? h('span', { class: 'sr-only' }, t('web.rec.event_sr', { seq: f.seq })) : null),
      eventBadge(f)),
    h('dl', { class: 'receipt-facts' },
      h('div', {}, h('dt', {}, t('web.rec.event')), h('dd', { class: 'tnum' }, f.seq != null ? `#${f.seq}` : '—',
        f.index != null ? h('span', { class: 'sub' }, ` · ${t('web.rec.leaf', { n: f.index })}`) : null)),
      h('div', {}, h('dt', {}, t('web.rec.size')), h('dd', { class: 'tnum' }, f.size != null ? String(f.size) : '—')),
      h('div', {}, h('dt', {}, t('web.rec.time')), h('dd', {}, timeEl(f.time))),
      x.logKey !== serverKey
        ? h('div', {}, h('dt', {}, t('web.rec.log')), h('dd', {}, h('code', { class: 'vkey' }, x.logKey))) : null),
    h('div', { class: 'receipt-actions' }, btn,
      h('a', {
        class: 'btn small ghost',
        href: `data:application/json;charset=utf-8,${encodeURIComponent(`${JSON.stringify(x.receipt)}\n`)}`,
        download: `receipt-${f.seq ?? i}.json`, 'aria-describedby': hid,
      }, t('web.rec.download')),
      h('details', { class: 'receipt-raw' }, h('summary', {}, t('web.rec.raw')), h('pre', {}, json))),
    result);
  }

  const listCard = h('section', { id: 'receipts', class: 'card', 'aria-labelledby': 'receipts-h' },
    h('div', { class: 'section-head' },
      h('h2', { id: 'receipts-h' }, only == null ? t('web.nav.receipts') : t('web.rec.for_proposal', { id: only })),
      h('span', { class: 'sub', id: 'receipts-count' }, t('web.rec.kept', { n: shown.length }))),
    only != null ? h('p', {}, h('a', { href: '#/receipts' }, t('web.rec.show_all', { n: all.length }))) : null,
    shown.length
      ? h('ol', { class: 'receipt-list', id: 'receipt-list' }, shown.map(item))
      : h('p', { class: 'empty' }, t('web.rec.none')));

  replace(ctx.el, announce,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', { tabindex: '-1' }, t('web.nav.receipts')),
        h('p', { class: 'lead' }, t('web.rec.lead', { name: countryName(me, ctx.principal.name) })))),
    alertBox(h('span', {}, t('web.rec.kept_here'),
      h('code', {}, 'council receipt verify FILE --log-key KEY'), '.'), 'info'),
    keyCard, listCard);
}
