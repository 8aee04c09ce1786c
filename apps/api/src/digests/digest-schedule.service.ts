import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DigestScheduleEntity } from '@app/persistence';
import { DigestSchedules, DigestScheduleState } from '@app/temporal';
import { DIGEST_SCHEDULE_NAMES, PlanDigestsSynced, SyncPlanDigests, SyncPlanDigestsCommand } from '@app/application';
import { digestScheduleId } from '@app/workflows';
import { PlanScope } from '../auth/plan-scope.service';
import { MeetingTime, PlanCalendarScheduleResource } from '../common/plan-calendar-schedule-resource';
import { DigestScheduleDto, PutDigestScheduleDto } from './digests.dto';

/**
 * A plan's digest settings (when the monthly digest goes out) and their Temporal Schedule
 * `digest-<planId>`, kept in line by SyncPlanDigests (PlanCalendarScheduleResource). A trigger starts
 * the current month's digest; deleting the settings lets a digest already sending carry on.
 */
@Injectable()
export class DigestScheduleService extends PlanCalendarScheduleResource<DigestScheduleEntity, PutDigestScheduleDto, DigestScheduleState, object, Pick<DigestScheduleDto, 'nextRuns'>> {
  protected readonly kind = {
    entity: DigestScheduleEntity,
    noun: 'digest',
    auditType: 'digest_schedule',
    names: DIGEST_SCHEDULE_NAMES,
    scheduleIdOf: digestScheduleId,
  };

  constructor(
    @InjectDataSource() db: DataSource,
    scope: PlanScope,
    schedules: DigestSchedules,
    private readonly syncPlanDigests: SyncPlanDigests,
  ) {
    super(db, scope, schedules);
  }

  /** `paused` unsent: false on creation, unchanged on replacement. */
  protected settingsOf(dto: PutDigestScheduleDto): Partial<DigestScheduleEntity> {
    return dto.paused === undefined ? {} : { paused: dto.paused };
  }

  protected sync(planId: string): Promise<PlanDigestsSynced> {
    return this.syncPlanDigests.execute(SyncPlanDigestsCommand.create({ planId }));
  }

  protected settingsView(): object {
    return {};
  }

  protected upcoming(live: DigestScheduleState | null, local: (times: Date[]) => MeetingTime[]): Pick<DigestScheduleDto, 'nextRuns'> {
    return { nextRuns: local(live && !live.paused ? live.nextRuns : []) };
  }
}
