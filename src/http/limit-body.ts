import { bodyLimit } from "hono/body-limit";
import { ApiError } from "./api-error";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Counts bytes as they stream in and stops at 1 MiB, so an endless body is never buffered. */
export const limitBody = () =>
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError("PAYLOAD_TOO_LARGE", `body is larger than ${MAX_BODY_BYTES} bytes (1 MiB)`);
    },
  });
