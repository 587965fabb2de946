/**
 * Writes the synthetic PII corpus, `pii-corpus.jsonl`: one document per line with its text and
 * the labelled spans in it. True values and near-misses (broken checksums, reserved prefixes,
 * look-alikes such as dates, versions and IMEIs) sit in everyday sentences. Seeded, so running
 * it again writes the same bytes: `npx tsx src/guard/__fixtures__/generate-corpus.ts`.
 *
 * Own generator rather than @faker-js/faker: the corpus needs checksum-controlled numbers and
 * labelled near-misses, which faker does not label, and the repo then needs no extra package.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataClass } from '../data-classes.js';
import * as values from './corpus-values.js';
import { Random, type Generated } from './corpus-values.js';

/** One labelled span: a true value of a class, or a near-miss that looks like one. */
export interface CorpusLabel {
  dataClass: DataClass;
  start: number;
  end: number;
  positive: boolean;
}

/** One document of the corpus. */
export interface CorpusDocument {
  id: number;
  text: string;
  labels: CorpusLabel[];
}

const GENERATORS: Record<DataClass, (random: Random) => Generated> = {
  email: values.email,
  phone: values.phone,
  card: values.card,
  iban: values.iban,
  'us-ssn': values.usSsn,
  'uk-nino': values.ukNino,
  'ip-address': values.ipAddress,
  secret: values.secret,
};

// Sentences around each value: some carry a context word, some do not.
const TEMPLATES: Record<DataClass, string[]> = {
  email: [
    'Please reply to {} before Friday.',
    'Contact: {}',
    'The ticket was opened by {} yesterday.',
    'cc {} on the thread',
    'Sent from {}',
  ],
  phone: [
    'Call me on {} after 5pm.',
    'Phone: {}',
    'You can reach the depot at {} any time.',
    'Tel. {} (office)',
    'Mobile {}, ask for Sam.',
    'The on-call number is {}.',
  ],
  card: [
    'Card number {} expires 04/27.',
    'Please charge {} for the renewal.',
    'Visa {} was declined.',
    'Payment card: {}',
    'The customer read out {} over the phone.',
  ],
  iban: [
    'Please transfer the amount to IBAN {} by Monday.',
    'Beneficiary account {}',
    'Bank details: {} (SEPA).',
    'Pay invoice 2291 to {} today.',
    'Our new account is {}.',
  ],
  'us-ssn': [
    'SSN: {}',
    'Social security number {} on the form.',
    'Employee record lists {} as the SSN.',
    'Taxpayer id {} was verified.',
  ],
  'uk-nino': [
    'National Insurance number {}',
    'NI number: {}',
    'HMRC reference {} for the payroll.',
    'Her NINO is {}.',
  ],
  'ip-address': [
    'Login from {} at 03:12.',
    'The server {} stopped answering.',
    'Blocked host {} on the firewall.',
    'Client IP {} sent 40 requests.',
    'Gateway address {}',
  ],
  secret: [
    'Use this key: {}',
    'export AWS_ACCESS_KEY_ID={}',
    'token={}',
    'The deploy secret is {}',
    'Authorization: Bearer {}',
  ],
};

const FILLER = [
  'The quarterly review is moved to room 4.',
  'Shipment 48213 left the warehouse on 2024-03-02.',
  'Invoice 2291 totals 1,249.50 EUR including VAT.',
  'Release 3.14.2 fixed the login bug.',
  'Meeting at 10:30, bring the Q3 figures.',
  'Order #100234 was split into two parcels.',
  'The backup job took 42 minutes.',
  'Ask Maria about the new onboarding checklist.',
];

function place(template: string, value: string): { text: string; start: number } {
  const at = template.indexOf('{}');
  return { text: template.slice(0, at) + value + template.slice(at + 2), start: at };
}

/** Builds the corpus: `count` documents of one to three sentences each. */
export function buildCorpus(count: number, seed = 20261126): CorpusDocument[] {
  const random = new Random(seed);
  const classes = Object.keys(GENERATORS) as DataClass[];
  const documents: CorpusDocument[] = [];
  for (let id = 0; id < count; id += 1) {
    let text = '';
    const labels: CorpusLabel[] = [];
    const sentences = random.int(1, 3);
    for (let index = 0; index < sentences; index += 1) {
      if (text.length > 0) text += ' ';
      if (random.next() < 0.15) {
        text += random.pick(FILLER);
        continue;
      }
      const dataClass = random.pick(classes);
      if (dataClass === 'secret' && random.next() < 0.25) {
        const sentence = place(
          random.pick(['api_key = "{}"', 'client secret: {}', 'password {}']),
          values.contextualSecret(random),
        );
        const start = text.length + sentence.start;
        labels.push({
          dataClass,
          start,
          end:
            start + sentence.text.length - sentence.start - (sentence.text.endsWith('"') ? 1 : 0),
          positive: true,
        });
        text += sentence.text;
        continue;
      }
      const generated = GENERATORS[dataClass](random);
      const sentence = place(random.pick(TEMPLATES[dataClass]), generated.value);
      const start = text.length + sentence.start;
      labels.push({
        dataClass,
        start,
        end: start + generated.value.length,
        positive: generated.positive,
      });
      text += sentence.text;
    }
    documents.push({ id, text, labels });
  }
  return documents;
}

/** Where the committed corpus lives. */
export const CORPUS_PATH = join(import.meta.dirname, 'pii-corpus.jsonl');

/** The corpus as the file holds it: one JSON document per line. */
export function corpusText(documents: CorpusDocument[]): string {
  return documents.map((document) => JSON.stringify(document)).join('\n') + '\n';
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  writeFileSync(CORPUS_PATH, corpusText(buildCorpus(1500)));
}
