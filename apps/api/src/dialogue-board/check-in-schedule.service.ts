import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvalidPolicyError, resolveCheckInPolicy } from '@app/domain';
import type { CheckInPolicy } from '@app/domain';
import { CheckInScheduleEntity } from '@app/persistence';
import { DialogueBoardSchedules, DialogueBoardScheduleState } from '@app/temporal';
import { DIALOGUE_BOARD_SCHEDULE_NAMES, PlanCheckInsSynced, SyncPlanCheckIns, SyncPlanCheckInsCommand } from '@app/application';
import { dialogueBoardScheduleId } from '@app/workflows';
import { PlanScope, ruleViolation } from '../auth/plan-scope.service';
import { MeetingTime, PlanCalendarScheduleResource } from '../common/plan-calendar-schedule-resource';
import { CheckInScheduleDto, PutCheckInScheduleDto } from './dto/check-in-schedule.dto';

type CheckInSettingsView = Pick<CheckInScheduleDto, 'mode' | 'address' | 'onlineUrl' | 'policy'>;

/**
 * A plan's Dialogue Board check-in settings (when the board meets, where, the durations of its
 * check-ins) and their Temporal Schedule `dialogue-board-<planId>`, kept in line by SyncPlanCheckIns
 * (PlanCalendarScheduleResource). A trigger prepares the next meeting; deleting the settings leaves
 * the check-ins already prepared.
 */
@Injectable()
export class CheckInScheduleService extends PlanCalendarScheduleResource<
  CheckInScheduleEntity,
  PutCheckInScheduleDto,
  DialogueBoardScheduleState,
  CheckInSettingsView,
  Pick<CheckInScheduleDto, 'nextMeetings'>
> {
  protected readonly kind = {
    entity: CheckInScheduleEntity,
    noun: 'check-in',
    auditType: 'check_in_schedule',
    names: DIALOGUE_BOARD_SCHEDULE_NAMES,
    scheduleIdOf: dialogueBoardScheduleId,
  };

  constructor(
    @InjectDataSource() db: DataSource,
    scope: PlanScope,
    schedules: DialogueBoardSchedules,
    private readonly syncPlanCheckIns: SyncPlanCheckIns,
  ) {
    super(db, scope, schedules);
  }

  protected settingsOf(dto: PutCheckInScheduleDto): Partial<CheckInScheduleEntity> {
    return { mode: dto.mode, address: dto.address ?? null, onlineUrl: dto.onlineUrl ?? null, policy: policyOf(dto) };
  }

  protected sync(planId: string): Promise<PlanCheckInsSynced> {
    return this.syncPlanCheckIns.execute(SyncPlanCheckInsCommand.create({ planId }));
  }

  protected settingsView({ mode, address, onlineUrl, policy }: CheckInScheduleEntity): CheckInSettingsView {
    return { mode, address, onlineUrl, policy };
  }

  protected upcoming(live: DialogueBoardScheduleState | null, local: (times: Date[]) => MeetingTime[]): Pick<CheckInScheduleDto, 'nextMeetings'> {
    return { nextMeetings: local(live?.nextMeetings ?? []) };
  }
}

function policyOf(dto: PutCheckInScheduleDto): CheckInPolicy {
  try {
    return resolveCheckInPolicy({ ...(dto.policy ?? {}) });
  } catch (error) {
    if (error instanceof InvalidPolicyError) throw ruleViolation(error.field, error.message);
    throw error;
  }
}
