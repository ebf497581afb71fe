// views/signin.js - sign in with a token, or browse as the public.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { alertBox, errorText } from '../ui.js';

// The alliance as the store records it (whoami), e.g. "the North Atlantic
// Treaty Organization (NATO)".
const allianceName = (a) => (a?.name ? `the ${a.name}${a.id ? ` (${a.id})` : ''}` : 'an alliance');

export async function signinView(ctx) {
  ctx.title('Sign in');
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
      show.textContent = on ? 'Hide' : 'Show';
    } }, 'Show');
  const submit = h('button', { type: 'submit', class: 'btn primary wide', id: 'sign-in' }, 'Sign in');
  const form = h('form', { class: 'signin-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const token = input.value.trim();
    if (!token) { err.replaceChildren(alertBox('Enter your access token.')); input.focus(); return; }
    if (!/^cn_[A-Za-z0-9_-]{43}$/.test(token)) {
      err.replaceChildren(alertBox('That is not a council token: tokens start with "cn_" followed by 43 letters, '
        + 'digits, "-" or "_".'));
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      await api.signIn(token);
      const next = ctx.query.get('next');
      ctx.navigate(next && next.startsWith('/') ? `#${next}` : '#/proposals');
    } catch (e) {
      submit.disabled = false;
      submit.textContent = 'Sign in';
      input.setAttribute('aria-invalid', 'true');
      err.replaceChildren(alertBox(e.status === 401
        ? 'This token was not accepted: it is unknown or has been revoked.'
        : errorText(e)));
      input.focus();
    }
  } },
  h('div', { class: 'field' },
    h('label', { for: 'token' }, 'Access token'),
    h('div', { class: 'input-row' }, input, show),
    h('p', { class: 'hint', id: 'token-hint' },
      'Issued to your delegation or to the secretariat (', h('code', {}, 'council token issue'),
      '). It is kept in this browser tab only, until you sign out or close the tab.')),
  err, submit);

  replace(ctx.el,
    h('div', { class: 'signin' },
      h('section', { class: 'signin-intro' },
        h('h1', { tabindex: '-1' }, 'Decisions by consensus'),
        h('p', { class: 'lead' },
          'council runs the decision procedures of ', allianceName(api.session.alliance), ': ',
          'proposals, the silence procedure, every position on the record, and the registry of ',
          'members, partners and offices that only adopted decisions can change.'),
        h('ul', { class: 'roles' },
          h('li', {}, h('strong', {}, 'Delegations'), ' see what is before their bodies and state their positions.'),
          h('li', {}, h('strong', {}, 'The secretariat'), ' proposes, circulates texts under silence and concludes.'),
          h('li', {}, h('strong', {}, 'Partners'), ' see what is shared with partners.'),
          h('li', {}, h('strong', {}, 'The public'), ' sees adopted decisions and the registry.'))),
      h('section', { class: 'card signin-card', 'aria-labelledby': 'signin-h' },
        h('h2', { id: 'signin-h' }, 'Sign in'),
        p && p.role !== 'public'
          ? alertBox('You are signed in; signing in again replaces that session.', 'info') : null,
        form,
        h('div', { class: 'or', role: 'separator' }, h('span', {}, 'or')),
        h('button', { type: 'button', class: 'btn wide', id: 'browse-public', onclick: () => {
          api.browseAsPublic();
          ctx.navigate('#/proposals');
        } }, 'Browse as the public'),
        h('p', { class: 'hint center' }, 'Adopted decisions, bodies and the registry; no deliberations.'))));
  input.focus();
}
