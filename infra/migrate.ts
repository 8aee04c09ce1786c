/** `npm run migrate`: applies pending migrations to DATABASE_URL and exits (deployments run it before the API). */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../libs/persistence/src';

async function migrate(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const dataSource = await new DataSource(dataSourceOptions(url)).initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    console.log(JSON.stringify({ level: 'log', context: 'migrate', message: `applied ${applied.length} migration(s)`, migrations: applied.map((m) => m.name) }));
  } finally {
    await dataSource.destroy();
  }
}

migrate().catch((error) => {
  console.error(JSON.stringify({ level: 'fatal', context: 'migrate', message: String(error?.stack ?? error) }));
  process.exit(1);
});
