import { addFacility, openDatabase, startHub } from '@lienthong/hub';

// Embedded: one SQLite file, migrations applied at start.
export async function embedded() {
  const hub = await startHub({
    database: { sqlite: './hub.db' },
    port: 8080,
    adminKey: process.env.LIENTHONG_HUB_ADMIN_KEY ?? '',
  });
  process.once('SIGTERM', () => void hub.close()); // graceful: readiness turns 503, in-flight requests finish
  return hub;
}

// Scaled: several stateless instances share one PostgreSQL database.
export async function scaled() {
  return startHub({ database: { postgres: process.env.DATABASE_URL ?? '' }, host: '0.0.0.0', port: 8080 });
}

// Registering a facility directly against the database (what `lienthong hub facility add` does).
export async function register() {
  const store = await openDatabase({ sqlite: './hub.db' });
  const { credential } = await addFacility(store.db, { code: '01001', name: 'Bệnh viện …' });
  console.log('API key (shown once):', credential.apiKey);
  await store.close();
}
