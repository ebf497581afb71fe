// views/subscriptions.js - the signed-in principal's own subscriptions
// (docs/WEBHOOKS.md, "A person's subscriptions"): subscribe an address to
// e-mail, in English or French, with reminders before deadlines; see and
// revoke its e-mail subscriptions and webhooks; make a calendar feed (its
// URL shown once, to copy into a calendar program) and revoke one.  A
// person's are its own, not its delegation's; a token's page shows the
// token's.  The public has none: a word to sign in instead.
import { h, replace } from '../dom.js';
import * as api from '../api.js';
import { alertBox, errorText, empty, loading, moreButton, toast } from '../ui.js';
import { timeEl } from '../time.js';
import { t, currentLang } from '../i18n.js';

// The reminder offsets the form offers (the API takes others too), with
// their words.
const OFFSETS = ['24h', '2h'];
const OFFSET_WORDS = { '24h': 'web.subs.remind_24h', '2h': 'web.subs.remind_2h' };

export async function subscriptionsView(ctx) {
  ctx.title(t('web.subs.title'));
  const head = h('div', { class: 'page-head' }, h('div', {},
    h('h1', { tabindex: '-1' }, t('web.subs.title')),
    h('p', { class: 'lead' }, t(api.session.person ? 'web.subs.lead_person' : 'web.subs.lead'))));
  if (api.role() === 'public') {
    replace(ctx.el, head, h('p', {}, t('web.subs.public'), ' ',
      h('a', { href: '#/signin?next=/subscriptions' }, t('web.signin.button'))));
    return;
  }
  const list = h('div', { id: 'subs-list', 'aria-live': 'polite' }, loading());
  const feeds = h('div', { id: 'feeds-list', 'aria-live': 'polite' }, loading());
  let hooks = null;
  let cals = null;
  // Both lists read again; a list that cannot be read says so in its
  // own place.
  const refresh = () => Promise.all([[hooks, list], [cals, feeds]].map(([l, el]) => l.load().catch((e) => {
    if (ctx.alive()) replace(el, alertBox(errorText(e)));
  })));
  hooks = pagedList(ctx, list, 'subs-more', t('web.subs.more_subs'), async (after) => {
    const p = await api.webhooks(after);
    return { items: p.webhooks, next: p.next };
  }, (items) => hookList(items, refresh));
  cals = pagedList(ctx, feeds, 'feeds-more', t('web.subs.more_feeds'), async (after) => {
    const p = await api.calendarFeeds(after);
    return { items: p.feeds, next: p.next };
  }, (items) => feedList(items, refresh));
  replace(ctx.el, head,
    mailForm(refresh),
    h('section', { class: 'card', 'aria-labelledby': 'subs-list-h' },
      h('div', { class: 'section-head' }, h('h2', { id: 'subs-list-h', tabindex: '-1' }, t('web.subs.list_heading'))),
      list),
    h('section', { class: 'card', 'aria-labelledby': 'feeds-h' },
      h('div', { class: 'section-head' }, h('h2', { id: 'feeds-h', tabindex: '-1' }, t('web.subs.feed_heading'))),
      h('p', { class: 'sub' }, t('web.subs.feed_lead')),
      feedMaker(refresh), feeds));
  await refresh();
}

// A list the API gives a page at a time (its `next`), in the order of
// its ids: the first page on the first load(), the ones after it appended
// when "Show more" is pressed, focus then on the first item that page
// brought (on the list's heading if it brought none).  A later load()
// (after a revocation or a new subscription) reads as many pages as reach
// the last item shown, or all of them if all were shown, so that the
// reader is not sent back to the first page.  One read at a time, each
// from what the one before left: a "Show more" pressed during a reload
// reads after it, from its `next`, and two reloads end as the second
// read the list; a second press while a page is on its way does nothing.
function pagedList(ctx, el, moreId, moreLabel, read, draw) {
  let items = [];
  let next = null;
  let loaded = false;
  let queue = Promise.resolve();
  const serial = (fn) => {
    const run = queue.then(fn);
    queue = run.catch(() => {});
    return run;
  };
  const heading = () => el.closest('section')?.querySelector('h2');
  const more = () => serial(async () => {
    if (next == null) return;
    const page = await read(next);
    if (!ctx.alive()) return;
    const last = items.at(-1)?.id ?? 0;
    const fresh = page.items.filter((i) => i.id > last);
    items = [...items, ...fresh];
    next = page.next;
    render();
    ((fresh.length && el.querySelector(`[data-id="${fresh[0].id}"] button`)) || heading())?.focus();
  });
  const render = () => replace(el, draw(items), next == null ? null : moreButton(moreId, moreLabel, more));
  return {
    load: () => serial(async () => {
      const until = !loaded ? null : next == null ? Infinity : items.at(-1)?.id ?? null;
      let page = await read();
      let got = page.items;
      while (page.next != null && until != null && got.length && got.at(-1).id < until) {
        page = await read(page.next);
        got = got.concat(page.items);
      }
      if (!ctx.alive()) return;
      items = got;
      next = page.next;
      loaded = true;
      render();
    }),
  };
}

// The e-mail form: an address, its language, the reminders.
function mailForm(refresh) {
  const err = h('div', { class: 'form-error', id: 'sub-error', tabindex: '-1' });
  const email = h('input', { id: 'sub-email', name: 'email', type: 'email', required: true,
    autocomplete: 'email', maxlength: '254', spellcheck: 'false', autocapitalize: 'off' });
  const lang = h('select', { id: 'sub-lang', name: 'lang' },
    h('option', { value: 'en', lang: 'en' }, 'English'), h('option', { value: 'fr', lang: 'fr' }, 'Français'));
  lang.value = currentLang();
  const boxes = OFFSETS.map((o) => h('input', { type: 'checkbox', id: `sub-remind-${o}`, name: 'remind',
    value: o, checked: true }));
  const submit = h('button', { type: 'submit', class: 'btn primary', id: 'sub-submit' }, t('web.subs.subscribe'));
  return h('form', { class: 'card', id: 'sub-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    err.replaceChildren();
    if (!email.value.trim()) {
      err.replaceChildren(alertBox(t('web.subs.need_email')));
      email.focus();
      return;
    }
    submit.disabled = true;
    try {
      await api.subscribe({ email: email.value.trim(), lang: lang.value,
        remind: boxes.filter((b) => b.checked).map((b) => b.value) });
      toast(t('web.subs.made', { email: email.value.trim() }));
      email.value = '';
      await refresh();
    } catch (e) {
      err.replaceChildren(alertBox(errorText(e)));
      err.focus();
    } finally {
      submit.disabled = false;
    }
  } },
  h('h2', {}, t('web.subs.mail_heading')),
  h('div', { class: 'field' }, h('label', { for: 'sub-email' }, t('web.subs.email')), email),
  h('div', { class: 'field' }, h('label', { for: 'sub-lang' }, t('web.subs.lang')), lang),
  h('fieldset', { class: 'field' }, h('legend', {}, t('web.subs.remind')),
    OFFSETS.map((o, i) => h('div', { class: 'field check' }, boxes[i],
      h('label', { for: `sub-remind-${o}` }, t(OFFSET_WORDS[o]))))),
  err,
  h('div', { class: 'form-actions' }, submit));
}

// What one subscription is: its address and language, or its URL.
const hookWhat = (w) => (w.email ? t('web.subs.by_email', { email: w.email, lang: w.lang })
  : t('web.subs.by_webhook', { url: w.url }));

// Revoke one item of a list, then read the list again; the focus goes to
// the item that followed it (or preceded it, if it was the last), or to
// the list's heading when none is left, not to the page's top.
function revokeButton(label, go, refresh) {
  return h('button', { type: 'button', class: 'btn small ghost', 'aria-label': label, onclick: async (ev) => {
    const li = ev.currentTarget.closest('li');
    const box = li.closest('[aria-live]');
    const near = (li.nextElementSibling ?? li.previousElementSibling)?.dataset.id;
    ev.currentTarget.disabled = true;
    try {
      await go();
      toast(t('web.subs.revoked'));
    } catch (e) {
      toast(errorText(e), 'warn');
    }
    await refresh();
    const to = (near && box.querySelector(`[data-id="${near}"] button`))
      ?? box.closest('section')?.querySelector('h2');
    to?.focus();
  } }, t('web.subs.revoke'));
}

function hookList(hooks, refresh) {
  if (!hooks.length) return empty(t('web.subs.none'));
  return h('ul', { class: 'subs', id: 'subs' }, hooks.map((w) => h('li', { 'data-sub': w.id, 'data-id': w.id },
    h('span', { class: 'sub-what' }, hookWhat(w)), ' ',
    h('span', { class: 'sub' }, w.remind.length ? t('web.subs.reminded', { offsets: w.remind.join(', ') })
      : t('web.subs.no_reminder'), ' · ', timeEl(w.created)), ' ',
    revokeButton(t('web.subs.revoke_one', { what: hookWhat(w) }), () => api.revokeWebhook(w.id), refresh))));
}

// Make a feed: its URL, shown once, read-only, to copy.
function feedMaker(refresh) {
  const out = h('div', { id: 'feed-new', 'aria-live': 'polite' });
  return h('div', {}, h('p', {}, h('button', { type: 'button', class: 'btn', id: 'feed-make', onclick: async () => {
    try {
      const f = await api.makeCalendarFeed({ label: t('web.subs.feed_label') });
      replace(out, h('div', { class: 'field' },
        h('label', { for: 'feed-url' }, t('web.subs.feed_url')),
        h('input', { id: 'feed-url', type: 'text', readonly: true, value: f.url, spellcheck: 'false' }),
        h('p', { class: 'hint' }, t('web.subs.feed_once'))));
      await refresh();
    } catch (e) {
      replace(out, alertBox(errorText(e)));
    }
  } }, t('web.subs.feed_make'))), out);
}

function feedList(feeds, refresh) {
  if (!feeds.length) return empty(t('web.subs.no_feed'));
  return h('ul', { class: 'subs', id: 'feeds' }, feeds.map((f) => h('li', { 'data-feed': f.id, 'data-id': f.id },
    h('span', { class: 'sub-what' }, f.label || t('web.subs.feed_unnamed')), ' ',
    h('span', { class: 'sub' }, timeEl(f.created)), ' ',
    revokeButton(t('web.subs.revoke_feed', { what: f.label || String(f.id) }),
      () => api.revokeCalendarFeed(f.id), refresh))));
}
