import { type DevState, readJson } from "./lib/local-state";
import { migrateDatabase } from "./lib/migrate";

// Against Neon: DATABASE_URL=postgresql://…neon.tech/db?sslmode=require npm run db:migrate
const url = process.env.DATABASE_URL ?? readJson<DevState>("dev.json")?.databaseUrl;
if (!url) {
  console.error("set DATABASE_URL, or start `npm run dev` (which migrates its own database)");
  process.exit(2);
}
await migrateDatabase(url);
console.log("migrations applied");
