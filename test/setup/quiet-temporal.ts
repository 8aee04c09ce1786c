// Temporal SDK logs at WARN in tests (bundler output and worker state changes are noise there),
// and no SDK signal handlers: jest owns the process.
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
