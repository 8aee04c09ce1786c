import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class PageQueryDto {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000)
  offset?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export function pageOf(query: PageQueryDto): { take: number; skip: number } {
  return { take: query.limit ?? 50, skip: query.offset ?? 0 };
}

export function toPage<T>(items: T[], total: number, query: PageQueryDto): Page<T> {
  return { items, total, limit: query.limit ?? 50, offset: query.offset ?? 0 };
}

/** Swagger schema of a page of `item`. */
export function pageSchema(item: new () => unknown, name: string) {
  class PageDto {
    @ApiProperty({ type: [item] }) items!: unknown[];
    @ApiProperty() total!: number;
    @ApiProperty() limit!: number;
    @ApiProperty() offset!: number;
  }
  Object.defineProperty(PageDto, 'name', { value: name });
  return PageDto;
}
