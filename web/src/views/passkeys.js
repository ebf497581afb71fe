// views/passkeys.js - a signed-in person's passkeys: add one (the
// browser's own prompt: screen lock or security key), see them, remove
// one.  Tokens have none: the view says so and offers the sign-in.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import * as passkeys from '../passkeys.js';
import { alertBox, errorText, empty, toast } from '../ui.js';
import { timeEl } from '../time.js';
import { t } from '../i18n.js';

// What went wrong in a ceremony, in the person's words.
export function passkeyError(e) {
  if (e?.name === 'NotAllowedError' || e?.name === 'AbortError') return t('web.passkey.cancelled');
  if (e?.status === 409 && /--rp-id/.test(e.message)) return t('web.passkey.off');
  if (e?.status === 401) return t('web.passkey.refused');
  if (e?.status === 429) return t('web.signin.too_many', { seconds: String(e.retryAfter || 60) });
  return errorText(e);
}

function row(k, redraw) {
  return h('li', { class: 'passkey', 'data-id': String(k.id) },
    h('strong', { class: 'passkey-label' }, k.label), ' ',
    h('span', { class: 'hint' }, t('web.passkey.created'), ' ', timeEl(k.created), ' · ',
      k.used ? [t('web.passkey.used'), ' ', timeEl(k.used)] : t('web.passkey.never_used')), ' ',
    h('button', { type: 'button', class: 'btn small ghost passkey-remove',
      'aria-label': t('web.passkey.remove_named', { label: k.label }), onclick: async (ev) => {
        ev.currentTarget.disabled = true;
        try {
          await api.removePasskey(k.id);
          toast(t('web.passkey.removed'));
        } catch (e) {
          toast(passkeyError(e), 'error');
        }
        await redraw();
      } }, t('web.passkey.remove')));
}

export async function passkeysView(ctx) {
  ctx.title(t('web.passkey.heading'));
  if (!api.session.person) {
    replace(ctx.el, h('h1', { tabindex: '-1' }, t('web.passkey.heading')),
      h('p', {}, t('web.passkey.people_only'), ' ',
        h('a', { href: '#/signin' }, t('web.signin.button'))));
    return;
  }
  const list = h('ul', { class: 'passkey-list', id: 'passkey-list', 'aria-live': 'polite' });
  const err = h('div', { class: 'form-error', id: 'passkey-error', 'aria-live': 'assertive' });
  const label = h('input', { id: 'passkey-label', type: 'text', maxlength: '64', autocomplete: 'off' });
  const add = h('button', { type: 'submit', class: 'btn primary', id: 'passkey-add' }, t('web.passkey.add'));
  const redraw = async () => {
    const r = await api.passkeys();
    if (!ctx.alive()) return;
    replace(list, ...(r.passkeys.length ? r.passkeys.map((k) => row(k, redraw))
      : [h('li', {}, empty(t('web.passkey.none')))]));
  };
  const form = h('form', { class: 'passkey-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    if (!passkeys.supported()) { err.replaceChildren(alertBox(t('web.passkey.unsupported'))); return; }
    add.disabled = true;
    try {
      await passkeys.register(label.value.trim() || undefined);
      label.value = '';
      toast(t('web.passkey.added'));
      await redraw();
    } catch (e) {
      err.replaceChildren(alertBox(passkeyError(e)));
    }
    add.disabled = false;
  } },
  h('div', { class: 'field' }, h('label', { for: 'passkey-label' }, t('web.passkey.label')), label),
  err, add);
  replace(ctx.el, h('h1', { tabindex: '-1' }, t('web.passkey.heading')),
    h('p', { class: 'lead' }, t('web.passkey.lead')), form, list);
  await redraw();
}
