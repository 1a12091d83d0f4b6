import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

/**
 * Hex SHA-256 of a text, synchronously, so the pure core can derive ids and key hashes without
 * I/O or promises. The inputs are short (keys, ids): a JS implementation costs microseconds.
 */
export const sha256Hex = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));
