// views/signin.js - sign in as a person (name and password: the server
// keeps the session in an HttpOnly cookie), with a token, or browse as
// the public.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { alertBox, errorText } from '../ui.js';
import { t } from '../i18n.js';
import * as passkeys from '../passkeys.js';
import { passkeyError } from './passkeys.js';

// The alliance as the store records it (whoami), e.g. "the North Atlantic
// Treaty Organization (NATO)".
const allianceName = (a) => (!a?.name ? t('web.signin.an_alliance')
  : a.id ? t('web.signin.the_alliance_id', { name: a.name, id: a.id })
    : t('web.signin.the_alliance', { name: a.name }));

// Where to go once signed in: ?next= when it is a path of the page.
function after(ctx) {
  const next = ctx.query.get('next');
  ctx.navigate(next && next.startsWith('/') ? `#${next}` : '#/proposals');
}

// The person's form: a name and a password, for the delegation (or the
// secretariat) the person belongs to.
function personForm(ctx) {
  const err = h('div', { class: 'form-error', id: 'person-error', 'aria-live': 'assertive' });
  const name = h('input', { id: 'person-name', name: 'username', type: 'text', autocomplete: 'username',
    spellcheck: 'false', autocapitalize: 'off', required: true, maxlength: '64' });
  const pw = h('input', { id: 'person-password', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true, maxlength: '256' });
  const submit = h('button', { type: 'submit', class: 'btn primary wide', id: 'person-sign-in' },
    t('web.signin.button'));
  return h('form', { class: 'signin-form', id: 'person-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    if (!name.value.trim() || !pw.value) {
      err.replaceChildren(alertBox(t('web.signin.enter_name_password')));
      (name.value.trim() ? pw : name).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('web.signin.signing_in');
    try {
      await api.signInPerson(name.value.trim(), pw.value);
      pw.value = '';
      after(ctx);
    } catch (e) {
      submit.disabled = false;
      submit.textContent = t('web.signin.button');
      pw.value = '';
      pw.setAttribute('aria-invalid', 'true');
      err.replaceChildren(alertBox(e.status === 401 ? t('web.signin.wrong_password')
        : e.status === 429 ? t('web.signin.too_many', { seconds: String(e.retryAfter || 60) })
          : errorText(e)));
      pw.focus();
    }
  } },
  h('div', { class: 'field' }, h('label', { for: 'person-name' }, t('web.signin.name_label')), name),
  h('div', { class: 'field' }, h('label', { for: 'person-password' }, t('web.signin.password_label')), pw),
  err, submit);
}

// A passkey instead of the password: the browser offers the passkeys it
// holds for this site (none asked by name).
function passkeyButton(ctx) {
  if (!passkeys.supported()) return null;
  const err = h('div', { class: 'form-error', id: 'passkey-error', 'aria-live': 'assertive' });
  const btn = h('button', { type: 'button', class: 'btn wide', id: 'passkey-sign-in', onclick: async () => {
    err.textContent = '';
    btn.disabled = true;
    btn.textContent = t('web.passkey.signing_in');
    try {
      await passkeys.signIn();
      after(ctx);
    } catch (e) {
      btn.disabled = false;
      btn.textContent = t('web.passkey.sign_in');
      err.replaceChildren(alertBox(passkeyError(e)));
    }
  } }, t('web.passkey.sign_in'));
  return h('div', { class: 'passkey-signin' }, err, btn);
}

export async function signinView(ctx) {
  ctx.title(t('web.signin.button'));
  const p = api.session.principal;
  const err = h('div', { class: 'form-error', 'aria-live': 'assertive' });
  const input = h('input', {
    id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'off', required: true, placeholder: 'cn_…', 'aria-describedby': 'token-hint',
  });
  const show = h('button', { type: 'button', class: 'btn small ghost reveal', 'aria-pressed': 'false',
    'aria-controls': 'token', onclick: () => {
      const on = input.type === 'password';
      input.type = on ? 'text' : 'password';
      show.setAttribute('aria-pressed', String(on));
      show.textContent = on ? t('web.signin.hide') : t('web.signin.show');
    } }, t('web.signin.show'));
  const submit = h('button', { type: 'submit', class: 'btn primary wide', id: 'sign-in' }, t('web.signin.button'));
  const form = h('form', { class: 'signin-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const token = input.value.trim();
    if (!token) { err.replaceChildren(alertBox(t('web.signin.enter_token'))); input.focus(); return; }
    if (!/^cn_[A-Za-z0-9_-]{43}$/.test(token)) {
      err.replaceChildren(alertBox(t('web.signin.not_a_token')));
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('web.signin.signing_in');
    try {
      await api.signIn(token);
      after(ctx);
    } catch (e) {
      submit.disabled = false;
      submit.textContent = t('web.signin.button');
      input.setAttribute('aria-invalid', 'true');
      err.replaceChildren(alertBox(e.status === 401
        ? t('web.signin.refused')
        : errorText(e)));
      input.focus();
    }
  } },
  h('div', { class: 'field' },
    h('label', { for: 'token' }, t('web.signin.token_label')),
    h('div', { class: 'input-row' }, input, show),
    h('p', { class: 'hint', id: 'token-hint' },
      t('web.signin.token_hint_before'), h('code', {}, 'council token issue'),
      t('web.signin.token_hint_after'))),
  err, submit);

  replace(ctx.el,
    h('div', { class: 'signin' },
      h('section', { class: 'signin-intro' },
        h('h1', { tabindex: '-1' }, t('web.signin.heading')),
        h('p', { class: 'lead' },
          t('web.signin.lead', { alliance: allianceName(api.session.alliance) })),
        h('ul', { class: 'roles' },
          [['web.signin.role.delegations', 'web.signin.role.delegations_does'],
            ['web.signin.role.secretariat', 'web.signin.role.secretariat_does'],
            ['web.signin.role.partners', 'web.signin.role.partners_does'],
            ['web.signin.role.public', 'web.signin.role.public_does']].map(([who, does]) => h('li', {},
            h('strong', {}, t(who)), ' ', t(does))))),
      h('section', { class: 'card signin-card', 'aria-labelledby': 'signin-h' },
        h('h2', { id: 'signin-h' }, t('web.signin.button')),
        p && p.role !== 'public'
          ? alertBox(t('web.signin.again'), 'info') : null,
        form,
        h('div', { class: 'or', role: 'separator' }, h('span', {}, t('web.signin.or'))),
        h('h3', { id: 'person-h' }, t('web.signin.as_person')),
        personForm(ctx),
        passkeyButton(ctx),
        h('div', { class: 'or', role: 'separator' }, h('span', {}, t('web.signin.or'))),
        h('button', { type: 'button', class: 'btn wide', id: 'browse-public', onclick: () => {
          api.browseAsPublic();
          ctx.navigate('#/proposals');
        } }, t('web.signin.browse')),
        h('p', { class: 'hint center' }, t('web.signin.browse_hint')))));
  input.focus();
}
