// councils.mjs - the browser tests' other councils: a store seeded with
// the EU Council's dataset (data/eu-council.json) and one with the OSCE's
// (data/osce.json), each served with the page, holding a proposal of
// every kind the page must show beyond NATO's consensus:
//
//   EU   qmv     the Council's qualified-majority vote on the phase-out of
//                Russian gas (scenarios/eu-2025-gas-phaseout.json), 25-2,
//                with the population shares it was counted by
//        open    a qualified-majority vote opened in 2025 (so the 2025
//                figures are in force), 12 yes, DE no, IT abstains: open
//        written a written procedure under simple-majority, a day to run
//        written2 another, left open for the dialogs' audit
//        vote    a roll-call vote under simple-majority, nobody voted yet
//        cast    another, for the keyboard test
//   OSCE minus   a decision under consensus-minus-one, RU the State concerned
//        broken  a silence that a proposed amendment (US) broke, taken up
//                again in `again`
//        body    an adopted decision establishing a body, with FR's footnote
//                made public
//
// Times are real (the server's clock) but for the replayed ones; nothing
// here depends on how long anything takes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { council, api, isoIn, memberTokens } from '../http/lib.mjs';
import { startWebServer } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EU = ['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE',
  'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE'];

const OPEN_QMV = {
  scenario: 'open-qmv', dataset: 'eu', title: 'An open qualified-majority vote', summary: 'For the page tests.',
  sources: ['https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32009D0937'],
  steps: [
    { at: '2025-10-21T09:00:00Z', do: 'propose', as: 'q', body: 'COUNCIL', procedure: 'vote',
      title: 'A regulation put to a qualified-majority vote' },
    { at: '2025-10-21T10:00:00Z', do: 'vote', proposal: '$q',
      members: ['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'ES', 'SE'], vote: 'yes' },
    { do: 'vote', proposal: '$q', members: ['DE'], vote: 'no' },
    { do: 'vote', proposal: '$q', members: ['IT'], vote: 'abstain' },
  ],
};

async function ok(r, status = 200) {
  if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

// A store seeded with `dataset`, tokens for the secretariat and `members`
// (also for a test's own council: propose.test.mjs's Security Council).
export function store(dir, name, dataset, members) {
  const db = join(dir, `${name}.db`);
  council(db, 'init', '--dataset', join(ROOT, 'data', dataset));
  const tok = { secretariat: council(db, 'token', 'issue', '--role', 'secretariat').trim(), public: null,
    ...memberTokens(db, members) };
  return { db, tok };
}

// Both councils served; close() stops the servers and removes the stores.
export async function councilsFixture() {
  const dir = mkdtempSync(join(tmpdir(), 'council-web-councils-'));
  const servers = [];
  try {
    const eu = store(dir, 'eu', 'eu-council.json', ['FR', 'DE', 'HU', 'IT']);
    council(eu.db, 'replay', join(ROOT, 'scenarios', 'eu-2025-gas-phaseout.json'));
    writeFileSync(join(dir, 'open-qmv.json'), JSON.stringify(OPEN_QMV));
    council(eu.db, 'replay', join(dir, 'open-qmv.json'));
    eu.ids = { qmv: 1, open: 2 };
    const osce = store(dir, 'osce', 'osce.json', ['FR', 'US', 'RU', 'DE']);

    for (const s of [eu, osce]) {
      const srv = await startWebServer(s.db);
      servers.push(srv);
      s.base = srv.base;
      s.api = (who, method, path, body) => api(s.base, s.tok[who], method, path, body);
    }
    const euPropose = async (body) => (await ok(await eu.api('secretariat', 'POST', '/api/v1/proposals',
      { body: 'COUNCIL', ...body }), 201)).id;
    eu.ids.written = await euPropose({ title: 'A decision by written procedure', procedure: 'written',
      rule: 'simple-majority', deadline: isoIn(86400) });
    eu.ids.written2 = await euPropose({ title: 'Another decision by written procedure', procedure: 'written',
      rule: 'simple-majority', deadline: isoIn(86400) });
    eu.ids.vote = await euPropose({ title: 'A procedural decision put to a vote', procedure: 'vote',
      rule: 'simple-majority' });
    eu.ids.cast = await euPropose({ title: 'Another procedural decision', procedure: 'vote',
      rule: 'simple-majority' });

    const osceApi = (who, path, body, status = 200) => osce.api(who, 'POST', path, body).then((r) => ok(r, status));
    const oscePropose = async (body) => (await osceApi('secretariat', '/api/v1/proposals', { body: 'PC', ...body },
      201)).id;
    osce.ids = {};
    osce.ids.minus = await oscePropose({ title: 'Action without the consent of the State concerned',
      rule: 'consensus-minus-one', concerned: 'RU' });
    osce.ids.broken = await oscePropose({ title: 'A declaration under silence', procedure: 'silence',
      deadline: isoIn(7 * 86400), text: 'The participating States declare.' });
    await osceApi('US', `/api/v1/proposals/${osce.ids.broken}/positions`,
      { position: 'amend', text: 'Add a paragraph on the partners for co-operation.' });
    osce.ids.again = (await osceApi('secretariat', `/api/v1/proposals/${osce.ids.broken}/recirculate`,
      { text: 'The participating States declare, with their partners.', deadline: isoIn(7 * 86400) })).superseded_by;
    osce.ids.body = await oscePropose({ title: 'Establish an informal working group',
      effects: [{ type: 'establish-body', id: 'IWG', name: 'Informal Working Group', rule: 'consensus',
        procedure: 'silence', silence_breaks: ['object', 'amend'] }] });
    await osceApi('FR', `/api/v1/proposals/${osce.ids.body}/positions`,
      { position: 'footnote', text: 'France reads the mandate narrowly.', public: true });
    await osceApi('secretariat', `/api/v1/proposals/${osce.ids.body}/conclude`);
    return {
      eu, osce,
      async close() {
        for (const s of servers) await s.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
