// model/rule.js - a proposal's decision rule read for people: the rule
// text (docs/RULES.md, §1) parsed into its tests, and each test measured
// on the proposal's positions, or on its tally where only the count is
// shown: members in favour against 55% of the electorate, the population
// share in favour against 65%, a veto.  The server decides (its verdict
// and explanation are the record); this says the same in bars and words.
// Pure (no DOM): views/proposal.js draws it, the Node unit tests import it.
// The words are the catalogue's (web.rule.*), in the page's language, and
// the shares are written the locale's way ("96.66%", "96,66 %").
import { currentLocale, labels, t } from '../i18n.js';

const CMP = ['>=', '<=', '==', '!=', '>', '<'];

// Tokens: words, member codes, numbers (with up to 2 decimals), operators.
function tokenize(src) {
  const out = [];
  // a number, unless letters follow (then a member code such as EU27)
  const re = /\s*(?:([a-z][a-z0-9_]*)|(\d+(?:\.\d+)?)(?![A-Z0-9])|([A-Z0-9]{2,8})|(>=|<=|==|!=|[<>(){},|/%]))/gy;
  let m;
  let at = 0;
  while (at < src.length) {
    re.lastIndex = at;
    m = re.exec(src);
    if (!m || m[0] === '') {
      if (/^\s*$/.test(src.slice(at))) break;
      return null;
    }
    at = re.lastIndex;
    if (m[1]) out.push({ t: 'word', v: m[1] });
    else if (m[2]) out.push({ t: 'num', v: m[2] });
    else if (m[3]) out.push({ t: 'code', v: m[3] });
    else out.push({ t: 'op', v: m[4] });
  }
  return out;
}

// The rule as a tree: {op: 'and'|'or', args}, {op: 'consensus'},
// {op: 'unanimity'}, {op: 'count', set, group, cmp, rhs},
// {op: 'weight', set, group, attr, cmp, rhs}, {op: 'none', set, group};
// rhs is {abs: n} or {num, den, base, text}.  null when it does not parse
// (the server parsed it when it was proposed, so that means a grammar
// this module does not know: the page then shows the text alone).
export function parseRule(src) {
  const toks = tokenize(String(src || ''));
  if (!toks || !toks.length) return null;
  let i = 0;
  const peek = () => toks[i];
  const take = (t, v) => {
    const k = toks[i];
    if (!k || k.t !== t || (v !== undefined && k.v !== v)) throw new Error('rule');
    i++;
    return k.v;
  };
  const is = (t, v) => peek() && peek().t === t && (v === undefined || peek().v === v);

  function scope() {
    const set = [take('word')];
    while (is('op', '|')) { i++; set.push(take('word')); }
    let group = null;
    if (is('word', 'in')) {
      i++;
      take('op', '{');
      group = [];
      while (is('code')) group.push(take('code'));
      take('op', '}');
    }
    return { set, group };
  }
  function rhs() {
    const n = take('num');
    if (is('op', '%')) {
      i++;
      take('word', 'of');
      const [whole, dec = ''] = n.split('.');
      const num = Number(whole) * 100 + Number((dec + '00').slice(0, 2));
      return { num, den: 10000, base: take('word'), text: `${n}%` };
    }
    if (is('op', '/')) {
      i++;
      const den = take('num');
      take('word', 'of');
      return { num: Number(n), den: Number(den), base: take('word'), text: `${n}/${den}` };
    }
    if (n.includes('.')) throw new Error('rule');
    return { abs: Number(n) };
  }
  function cmp() {
    const k = peek();
    if (!k || k.t !== 'op' || !CMP.includes(k.v)) throw new Error('rule');
    i++;
    return k.v;
  }
  function primary() {
    if (is('op', '(')) { i++; const e = expr(); take('op', ')'); return e; }
    const w = take('word');
    if (w === 'consensus' || w === 'unanimity') return { op: w };
    take('op', '(');
    const s = scope();
    if (w === 'none') { take('op', ')'); return { op: 'none', ...s }; }
    if (w === 'count') { take('op', ')'); return { op: 'count', ...s, cmp: cmp(), rhs: rhs() }; }
    if (w === 'weight') {
      take('op', ',');
      const attr = take('word');
      take('op', ')');
      return { op: 'weight', ...s, attr, cmp: cmp(), rhs: rhs() };
    }
    throw new Error('rule');
  }
  const chain = (op, next) => () => {
    const args = [next()];
    while (is('word', op)) { i++; args.push(next()); }
    return args.length === 1 ? args[0] : { op, args };
  };
  const conj = chain('and', primary);
  const expr = chain('or', conj);
  try {
    const tree = expr();
    return i === toks.length ? tree : null;
  } catch {
    return null;
  }
}

// ---- measuring -------------------------------------------------------------------

// Position sets in words, the same after "Members" and "No member"
// (French: "Membres contre", "Aucun membre contre").  Under a vote,
// silent is not taking part.
const SET_WORDS = labels({
  concur: 'web.rule.set.concur', footnote: 'web.rule.set.footnote', object: 'web.rule.set.object',
  abstain: 'web.rule.set.abstain', reserve: 'web.rule.set.reserve', silent: 'web.rule.set.silent',
  declared: 'web.rule.set.declared',
});

export function setWords(set, votes = false) {
  if (set.length === 2 && set.includes('concur') && set.includes('footnote')) return t('web.rule.set.concur');
  if (set.length === 3 && ['object', 'abstain', 'silent'].every((x) => set.includes(x))) {
    return t('web.rule.set.not_in_favour');
  }
  const word = (x) => (votes && x === 'silent' ? t('web.rule.set.not_taking_part') : SET_WORDS[x] || x);
  return set.map(word).join(t('web.or'));
}

const CMP_WORDS = labels({
  '>=': 'web.rule.cmp.ge', '>': 'web.rule.cmp.gt', '<=': 'web.rule.cmp.le', '<': 'web.rule.cmp.lt',
  '==': 'web.rule.cmp.eq', '!=': 'web.rule.cmp.ne',
});

// Does a CMP b hold, for a and b compared exactly (cross-multiplied).
function holds(c, a, b) {
  switch (c) {
    case '>=': return a >= b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '<': return a < b;
    case '==': return a === b;
    default: return a !== b;
  }
}

// The whole number a count is compared with, as the explanation gives it
// (docs/RULES.md §3): ceil for >= and <, floor for > and <=.
function wholeThreshold(c, x) {
  if (c === '>=' || c === '<') return Math.ceil(x - 1e-9);
  if (c === '>' || c === '<=') return Math.floor(x + 1e-9);
  return x;
}

// A share as the locale writes it: pct(0.9666) is '96.66%', '96,66 %' in
// French (the narrow space before %: ICU versions differ, some give a
// full no-break space).
const percentFormat = (digits) => new Intl.NumberFormat(currentLocale(),
  { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: 2 });
const pct = (x, digits = 2) => percentFormat(digits).format(x).replace(/\u00a0%/, '\u202f%');
// The rule's own threshold, as it wrote it ('2/3') or its percentage in
// the locale's way ('65%', '65 %').
const ruleShare = (r) => (r.text.endsWith('%') ? pct(r.num / r.den, 0) : r.text);
const clamp01 = (x) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
// A weight's attribute in words: the catalogue's for the ones the
// house's rules use, else its name made readable.
const ATTR_WORDS = labels({
  population: 'web.rule.attr.population', population_share: 'web.rule.attr.population_share',
});
export const attrWords = (a) => ATTR_WORDS[a] || String(a).replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

// Who is in which position, from the full view's positions.
const inSet = (set, x) => set.some((s) => (s === 'declared'
  ? x.position === 'abstain' && x.declared : x.position === s));
const CAST = ['concur', 'footnote', 'object'];

// From the tally alone (a redacted view of a concluded vote): how many
// hold a set, when the set is made of what the tally counts.
const TALLY_KEYS = {
  concur: ['yes'], object: ['no'], abstain: ['abstain'], silent: ['not_participating', 'not_voted'],
};
function tallyCount(set, tally) {
  if (!set.every((s) => TALLY_KEYS[s])) return null;
  return set.flatMap((s) => TALLY_KEYS[s]).reduce((n, k) => n + (tally[k] || 0), 0);
}

// The share a weight() test had, as the explanation gives it
// ("population_share 96.66% >= 65% of electorate"; docs/RULES.md §3: the
// bare attribute for the yes set without a group, else the set first), or
// null when the explanation does not say it (an operand that did not
// decide is left out).
function explainedShare(explanation, node) {
  if (!explanation || node.group) return null;
  const yes = node.set.every((x) => x === 'concur' || x === 'footnote') && node.set.includes('concur');
  const subject = `${yes ? '' : `${node.set.join('|')} `}${node.attr}`;
  const esc = subject.replace(/[|]/g, '\\|');
  const m = new RegExp(`(?:^|: |; )${esc} (\\d+\\.\\d\\d)% `).exec(explanation);
  return m ? Number(m[1]) / 100 : null;
}

// One test of the rule measured.  {op, label, value, valueText,
// threshold, thresholdText, fill, mark (0..1, where the bar's line is),
// met (true/false, null when it cannot be measured from what is shown),
// who (codes, for a veto)}; and/or nodes carry `tests`.
function measure(node, ctx) {
  const { positions, tally, weights, size, votes } = ctx;
  const scoped = (group) => (positions ? positions.filter((x) => !group || group.includes(x.member)) : null);
  const groupText = (g) => (g ? t('web.rule.among', { codes: g.join(', ') }) : '');
  const notShown = () => t('web.rule.not_shown');
  const nOf = (n, of) => t('web.rule.n_of', { n, of });
  switch (node.op) {
    case 'and': case 'or': {
      const tests = node.args.map((a) => measure(a, ctx));
      const known = tests.filter((t) => t.met !== null);
      const all = known.length === tests.length;
      const met = node.op === 'and' ? (known.some((t) => !t.met) ? false : all || null)
        : (known.some((t) => t.met) ? true : (all ? false : null));
      return { op: node.op, label: node.op === 'and' ? t('web.rule.all_of') : t('web.rule.one_of'), tests, met };
    }
    case 'consensus': {
      const who = positions ? positions.filter((x) => x.position === 'object').map((x) => x.member) : null;
      const n = who ? who.length : tally ? tally.no || 0 : null;
      return {
        op: 'none', label: t('web.rule.no_objection'), who, value: n,
        valueText: n === null ? notShown() : n ? t('web.rule.n_against', { n }) : t('web.rule.none_against'),
        met: n === null ? null : n === 0,
      };
    }
    case 'unanimity': {
      const n = positions ? positions.filter((x) => inSet(['concur', 'footnote'], x)).length : tally ? tally.yes : null;
      return {
        op: 'count', label: t('web.rule.every_member'), value: n,
        valueText: n === null ? notShown() : nOf(n, size), thresholdText: t('web.rule.all_n', { n: size }),
        fill: n === null ? 0 : clamp01(n / size), mark: 1, met: n === null ? null : n === size,
      };
    }
    case 'none': {
      const sc = scoped(node.group);
      const who = sc ? sc.filter((x) => inSet(node.set, x)).map((x) => x.member) : null;
      const n = who ? who.length : !node.group && tally ? tallyCount(node.set, tally) : null;
      return {
        op: 'none', label: t('web.rule.no_member', { set: setWords(node.set, votes), among: groupText(node.group) }),
        who, value: n,
        valueText: n === null ? notShown() : n ? t('web.rule.n_set', { n, set: setWords(node.set, votes) })
          : t('web.rule.none'),
        met: n === null ? null : n === 0,
      };
    }
    case 'count': {
      const sc = scoped(node.group);
      let n = null;
      let base = null;
      if (sc) {
        n = sc.filter((x) => inSet(node.set, x)).length;
        base = node.rhs.base === 'cast' ? sc.filter((x) => CAST.includes(x.position)).length : sc.length;
      } else if (!node.group && tally) {
        n = tallyCount(node.set, tally);
        base = node.rhs.base === 'cast' ? (tally.yes || 0) + (tally.no || 0) : size;
      }
      const scope = node.group ? node.group.length : size;
      const r = node.rhs;
      let thresholdText; let mark; let met = null;
      if ('abs' in r) {
        thresholdText = `${CMP_WORDS[node.cmp]} ${r.abs}`;
        mark = clamp01(r.abs / scope);
        if (n !== null) met = holds(node.cmp, n, r.abs);
      } else {
        const b = base === null ? scope : base;
        const whole = wholeThreshold(node.cmp, (r.num / r.den) * b);
        thresholdText = t(r.base === 'cast' ? 'web.rule.share_of_cast' : 'web.rule.share_of_members',
          { cmp: CMP_WORDS[node.cmp], share: ruleShare(r), n: b, whole });
        mark = b ? clamp01(r.num / r.den) : 0;
        if (n !== null) met = holds(node.cmp, n * r.den, r.num * base);
      }
      return {
        op: 'count', label: t('web.rule.members', { set: setWords(node.set, votes), among: groupText(node.group) }),
        value: n, valueText: n === null ? notShown() : nOf(n, base === null ? scope : base),
        thresholdText, fill: n === null ? 0 : clamp01(n / (base || scope || 1)), mark, met,
      };
    }
    case 'weight': {
      const sc = scoped(node.group);
      const w = weights && weights[node.attr];
      const label = t('web.rule.weight_of', {
        attr: attrWords(node.attr), set: setWords(node.set, votes), among: groupText(node.group),
      });
      const r = node.rhs;
      const thresholdText = 'abs' in r ? `${CMP_WORDS[node.cmp]} ${r.abs}`
        : t(r.base === 'cast' ? 'web.rule.share_of_cast_total' : 'web.rule.share_of_total',
          { cmp: CMP_WORDS[node.cmp], share: ruleShare(r) });
      const mark = 'abs' in r ? null : clamp01(r.num / r.den);
      if (!sc || !w) {
        // Not the members' positions: the share the explanation states, if it says it.
        const said = 'abs' in r ? null : explainedShare(ctx.explanation, node);
        return {
          op: 'weight', label, value: said, valueText: said === null ? notShown() : pct(said), thresholdText,
          fill: said === null ? 0 : clamp01(said), mark,
          met: said === null ? null : holds(node.cmp, Math.round(said * 1e4), Math.round((r.num / r.den) * 1e4)),
        };
      }
      const of = (list) => list.reduce((s, x) => s + (Number(w[x.member]) || 0), 0);
      const sum = of(sc.filter((x) => inSet(node.set, x)));
      const total = of(r.base === 'cast' ? sc.filter((x) => CAST.includes(x.position)) : sc);
      const share = total ? sum / total : 0;
      const met = 'abs' in r ? holds(node.cmp, sum, r.abs) : holds(node.cmp, sum * r.den, r.num * total);
      return {
        op: 'weight', label, value: 'abs' in r ? sum : share,
        valueText: 'abs' in r ? new Intl.NumberFormat(currentLocale(), { maximumFractionDigits: 6 }).format(sum)
          : pct(share),
        thresholdText, fill: 'abs' in r ? 0 : clamp01(share), mark, met,
      };
    }
    default: return { op: node.op, label: node.op, met: null };
  }
}

// The rule's tests measured on what the principal sees of the proposal:
// its positions (full view) or its tally (a concluded vote, redacted).
// null when the rule does not parse or nothing can be measured.
export function ruleTests(p) {
  const tree = parseRule(p.rule);
  if (!tree) return null;
  const ctx = {
    positions: p.positions || null, tally: p.tally || null, weights: p.weights || null,
    size: p.electorate_size, votes: p.procedure === 'vote' || p.procedure === 'written',
    explanation: p.explanation || '',
  };
  if (!ctx.positions && !ctx.tally) return null;
  return measure(tree, ctx);
}

// Whether a rule says more than consensus (counts, weights or vetoes):
// then the page shows its tests beside the roll call.
export function ruleHasTests(rule) {
  const tree = parseRule(rule);
  return !!tree && tree.op !== 'consensus';
}
