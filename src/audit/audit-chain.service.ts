import type { Clock } from '../clock';
import type { Database } from '../db/database';
import type { ExportRange } from './audit-chain.store';
import { verifyAuditChain, type Verification } from './audit-chain.verify';
import { exportAuditEvents, type ExportedEvent } from './audit.export';
import { AuditSealer, type SealerOptions } from './audit.sealer';

/** The tamper-evident side of the audit trail: sealing events into the chain, checking it, exporting it. */
export class AuditChainService {
  private readonly sealer: AuditSealer;

  constructor(
    private readonly db: Database,
    clock: Clock,
    options: SealerOptions,
  ) {
    this.sealer = new AuditSealer(db, clock, options);
  }

  /** Seals on a timer until `stop`. */
  start(): void {
    this.sealer.start();
  }

  stop(): Promise<void> {
    return this.sealer.stop();
  }

  /** Seals what can be sealed now; resolves with how many events. */
  seal(): Promise<number> {
    return this.sealer.seal();
  }

  verify(): Promise<Verification> {
    return verifyAuditChain(this.db);
  }

  export(range: ExportRange): AsyncGenerator<ExportedEvent> {
    return exportAuditEvents(this.db, range);
  }
}
