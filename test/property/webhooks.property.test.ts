import { describe } from "vitest";
import { GROUPS, routesNeverBreak } from "./bad-input";

describe("generated bad input never breaks the form webhooks", () => {
  routesNeverBreak(GROUPS.webhooks);
});
