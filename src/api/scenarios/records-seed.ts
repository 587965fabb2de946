/** Generated records with personal data: deterministic, so tests can name what they expect. */
export interface SeedRecord {
  id: string;
  kind: 'message' | 'document';
  from: string;
  to: string;
  subject: string;
  body: string;
  tags: string[];
  hold: string | null;
}

const PEOPLE = [
  'Alice Martin',
  'Bram Peeters',
  'Chloe Dubois',
  'Dev Patel',
  'Eva Novak',
  'Farid Haddad',
];
const TOPICS = [
  'Globex supply contract',
  'Initech renewal',
  'Globex delivery delays',
  'Office move',
  'Globex penalty clause',
  'Quarterly numbers',
];

/** Twenty-four records; every third topic (and a few more) concerns Globex, the matter's party. */
export function seedRecords(): SeedRecord[] {
  return Array.from({ length: 24 }, (_, index) => {
    const from = PEOPLE[index % PEOPLE.length] ?? 'Alice Martin';
    const to = PEOPLE[(index + 2) % PEOPLE.length] ?? 'Chloe Dubois';
    const topic = TOPICS[index % TOPICS.length] ?? 'Office move';
    const email = (name: string) => `${name.toLowerCase().replace(' ', '.')}@example.com`;
    const phone = `+44 20 7946 0${String(100 + index).padStart(3, '0')}`;
    return {
      id: `R${String(index + 1).padStart(3, '0')}`,
      kind: index % 4 === 3 ? 'document' : 'message',
      from: email(from),
      to: email(to),
      subject: `${topic} (${index + 1})`,
      body: `Hi ${to.split(' ')[0]}, about the ${topic.toLowerCase()}: call me on ${phone} or write to ${email(from)}. Regards, ${from}`,
      tags: [],
      hold: null,
    };
  });
}
