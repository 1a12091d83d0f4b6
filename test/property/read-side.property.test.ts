import { describe } from "vitest";
import { GROUPS, routesNeverBreak } from "./bad-input";

describe("generated bad input never breaks upsert, search, history, usage and webhook endpoints", () => {
  routesNeverBreak(GROUPS.readSide);
});
