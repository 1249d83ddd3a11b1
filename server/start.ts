// `npm start`: builds when the build is missing or older than its sources, then serves it.
import { ensureBuild } from './build.ts';

const code = await ensureBuild();
if (code !== 0) process.exit(code);

process.env.NODE_ENV = 'production';
await import('./index.ts');
