import { Module } from '@nestjs/common';
import { PlanScope } from './plan-scope.service';

/** Loads plans, commitments and milestones within the caller's jurisdiction (or agency). */
@Module({ providers: [PlanScope], exports: [PlanScope] })
export class ScopeModule {}
