/**
 * The kinds of data the guard recognises and the places data can go. A data class names what a
 * value is (an e-mail address, a card number); a destination class names who would receive it.
 */

/** What a detected value is. */
export type DataClass =
  'email' | 'phone' | 'card' | 'iban' | 'us-ssn' | 'uk-nino' | 'ip-address' | 'secret';

/** Every data class, in a fixed order (reports and placeholders use it). */
export const DATA_CLASSES: readonly DataClass[] = [
  'email',
  'phone',
  'card',
  'iban',
  'us-ssn',
  'uk-nino',
  'ip-address',
  'secret',
];

/** The personal data classes: everything but secrets and network addresses. */
export const PII_CLASSES: readonly DataClass[] = [
  'email',
  'phone',
  'card',
  'iban',
  'us-ssn',
  'uk-nino',
];

/**
 * Who receives data: `internal` systems of the organisation, `external` parties (mail to the
 * outside, payments, third-party APIs), or the `model` that plans the run.
 */
export type DestinationClass = 'internal' | 'external' | 'model';

/** Every destination class. */
export const DESTINATION_CLASSES: readonly DestinationClass[] = ['internal', 'external', 'model'];

/** The label inside a typed placeholder: `[EMAIL_1]`, `[CARD_2]`. */
export const PLACEHOLDER_LABELS: Readonly<Record<DataClass, string>> = {
  email: 'EMAIL',
  phone: 'PHONE',
  card: 'CARD',
  iban: 'IBAN',
  'us-ssn': 'US_SSN',
  'uk-nino': 'UK_NINO',
  'ip-address': 'IP_ADDRESS',
  secret: 'SECRET',
};

/** True for a known data class name (input from configuration or policy annotations). */
export function isDataClass(text: string): text is DataClass {
  return (DATA_CLASSES as readonly string[]).includes(text);
}
