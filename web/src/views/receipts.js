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
  ctx.title('Receipts');
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
  }, 'Copy the server’s key into the field') : null;
  const form = h('form', { id: 'pin-form', class: 'pin-form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'pin-input' }, 'Published log key'),
      input,
      h('p', { class: 'hint', id: 'pin-hint' }, 'As the Council publishes it, out of band: ',
        h('code', {}, 'NAME+KEYID+KEY'), ' (', h('code', {}, 'council log key'),
        ' prints it). The key is checked (Ed25519, key id) before it is kept in this browser.'),
      pinError),
    h('div', { class: 'form-actions' }, useServer,
      h('button', { type: 'submit', class: 'btn primary', id: 'pin-key' }, icon('pin'), 'Pin key')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    pinError.textContent = '';
    const v = input.value.trim();
    if (!v) { fieldError('Paste the published log key.'); return; }
    let key;
    try { key = await parseVkey(v); } catch (e) { fieldError(`This is not a log key: ${e.message}.`); return; }
    try {
      store.pin(key.vkey);
    } catch {
      fieldError('This browser refused to keep the key (storage is full or disabled).');
      return;
    }
    input.removeAttribute('aria-invalid');
    input.value = '';
    for (const r of results) clearResult(r);
    renderKey();
    announce.textContent = `Pinned ${key.name}+${key.id}. Verify the receipts again.`;
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
        h('div', {}, h('dt', {}, 'Pinned'),
          h('dd', {}, pinned ? h('code', { class: 'vkey', id: 'pinned-key' }, pinned)
            : h('span', { class: 'empty', id: 'pinned-key' }, 'No key pinned yet.'))),
        h('div', {}, h('dt', {}, 'The server names'),
          h('dd', {}, serverKey ? h('code', { class: 'vkey', id: 'server-key' }, serverKey)
            : h('span', { class: 'empty', id: 'server-key' }, `Not available: ${errorText(serverErr)}`)))),
      pinned && serverKey ? h('p', {
        class: `key-match ${same ? 'same' : 'differs'}`, 'data-match': same ? 'same' : 'differs',
      },
        icon(same ? 'check' : 'out'),
        same ? 'The server names the key you pinned.'
          : 'The server names another key than the one you pinned: its receipts will not verify against yours. '
            + 'If the Council has published a new key, pin that one.') : null);
  }

  const keyCard = h('section', { id: 'log-key', class: 'card', 'aria-labelledby': 'log-key-h' },
    h('h2', { id: 'log-key-h' }, 'Log key'),
    h('p', { class: 'sub' }, 'A receipt is checked against the key you pin here, never against the copy it carries. '
      + 'Take the key from where the Council publishes it: a key read from this server proves only that the server '
      + 'agrees with itself.'),
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
        ? h('p', { class: 'sub' }, 'The receipt names another log key; it was checked against the pinned one.') : null,
      r.checks?.length ? h('ul', { class: 'checks', 'aria-label': 'Checks' }, r.checks.map((c) => h('li', {
        class: `check check-${c.status}`, 'data-check': c.id, 'data-status': c.status,
      }, icon(STATUS_ICON[c.status]),
      h('span', { class: 'check-label' }, h('span', { class: 'sr-only' }, `${STATUS_WORD[c.status]}: `), c.label),
      h('span', { class: 'check-detail' }, c.detail || (c.status === 'skipped' ? 'not checked' : ''))))) : null);
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
            h('p', {}, 'No log key is pinned yet: paste the published key above and pin it, then verify.'));
          announce.textContent = 'No log key is pinned yet.';
          input.focus();
          return;
        }
        busy = true;
        btn.setAttribute('aria-busy', 'true');
        replace(result, loading('Verifying…'));
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
    }, icon('check'), 'Verify');
    const json = JSON.stringify(x.receipt, null, 2);
    const title = x.title || '';
    return h('li', {
      class: 'receipt', 'data-index': f.index ?? null, 'data-seq': f.seq ?? null, 'data-proposal': proposal ?? null,
    },
    h('div', { class: 'receipt-head' },
      h('h3', { id: hid }, proposal != null
        ? h('a', { href: `#/proposals/${proposal}` }, `Proposal ${proposal}`, title ? `: ${title}` : '')
        : 'Receipt', f.seq != null ? h('span', { class: 'sr-only' }, `, event ${f.seq}`) : null),
      eventBadge(f)),
    h('dl', { class: 'receipt-facts' },
      h('div', {}, h('dt', {}, 'Event'), h('dd', { class: 'tnum' }, f.seq != null ? `#${f.seq}` : '—',
        f.index != null ? h('span', { class: 'sub' }, ` · leaf ${f.index}`) : null)),
      h('div', {}, h('dt', {}, 'Checkpoint size'), h('dd', { class: 'tnum' }, f.size != null ? String(f.size) : '—')),
      h('div', {}, h('dt', {}, 'Time'), h('dd', {}, timeEl(f.time))),
      x.logKey !== serverKey
        ? h('div', {}, h('dt', {}, 'Log'), h('dd', {}, h('code', { class: 'vkey' }, x.logKey))) : null),
    h('div', { class: 'receipt-actions' }, btn,
      h('a', {
        class: 'btn small ghost',
        href: `data:application/json;charset=utf-8,${encodeURIComponent(`${JSON.stringify(x.receipt)}\n`)}`,
        download: `receipt-${f.seq ?? i}.json`, 'aria-describedby': hid,
      }, 'Download'),
      h('details', { class: 'receipt-raw' }, h('summary', {}, 'The receipt as kept'), h('pre', {}, json))),
    result);
  }

  const listCard = h('section', { id: 'receipts', class: 'card', 'aria-labelledby': 'receipts-h' },
    h('div', { class: 'section-head' },
      h('h2', { id: 'receipts-h' }, only == null ? 'Receipts' : `Receipts for proposal ${only}`),
      h('span', { class: 'sub', id: 'receipts-count' }, `${shown.length} kept in this browser`)),
    only != null ? h('p', {}, h('a', { href: '#/receipts' }, `Show all receipts (${all.length})`)) : null,
    shown.length
      ? h('ol', { class: 'receipt-list', id: 'receipt-list' }, shown.map(item))
      : h('p', { class: 'empty' }, 'No receipt yet. When your delegation states a position on a proposal’s page, '
        + 'the server answers with a receipt, kept here.'));

  replace(ctx.el, announce,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', { tabindex: '-1' }, 'Receipts'),
        h('p', { class: 'lead' }, `Every position the delegation of ${ctx.principal.name || me} states through `
          + 'this page comes back with a receipt: the event as recorded, a checkpoint of the log signed with the '
          + 'log’s key, and a proof that the event is in it. Verify checks them here, in your browser.'))),
    alertBox(h('span', {}, 'Receipts are kept in this browser only. Download one to keep it elsewhere, '
      + 'or to check it offline with ',
      h('code', {}, 'council receipt verify FILE --log-key KEY'), '.'), 'info'),
    keyCard, listCard);
}
