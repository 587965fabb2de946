/** The longest lifetime of a capability token, whatever the configuration asks for. */
export const MAX_TOKEN_TTL_SECONDS = 900;

/** The largest token accepted for verification, checked before any parsing. */
export const MAX_TOKEN_BYTES = 8 * 1024;

/** The only JWS algorithm capability tokens use. */
export const TOKEN_ALGORITHM = 'EdDSA';

/** The JWT `typ` header of an RFC 9068 access token. */
export const TOKEN_TYPE = 'at+jwt';

/** The `client_id` claim when the minting caller names none. */
export const DEFAULT_CLIENT_ID = 'castellan-runtime';
