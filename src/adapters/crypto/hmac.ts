import type { Hmac } from "../../services/ports";

const encoder = new TextEncoder();

/**
 * HMAC-SHA256 through WebCrypto: native speed on bodies of any size, and `crypto.subtle.verify`
 * compares the MACs in constant time. A signature of the wrong length is simply invalid.
 */
export const webCryptoHmac: Hmac = {
  async verify(secret, message, signature) {
    // An empty secret cannot be imported as an HMAC key, and would prove nothing anyway.
    if (signature.length !== 32 || secret === "") {
      return false;
    }
    const key = await crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    return crypto.subtle.verify("HMAC", key, signature, message);
  },
};
