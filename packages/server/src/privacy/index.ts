export { DataCipher } from './data-cipher.js';
export { type KeyedHash, keyedHash } from './keyed-hash.js';
