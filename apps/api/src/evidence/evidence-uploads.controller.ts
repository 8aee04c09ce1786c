import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { EvidenceReceiptDto, EvidenceRequestViewDto, SubmitEvidenceDto } from './dto/evidence-upload.dto';
import { EvidenceUploadsService } from './evidence-uploads.service';

/** Reached from the link in an evidence-request email; the signed token is the credential. */
@ApiTags('evidence uploads')
@ApiProblemResponses([
  [410, 'The upload link has expired'],
  [503, 'The workflow engine is unavailable; nothing was saved'],
])
@ApiParam({ name: 'token', description: 'Signed, expiring token from the evidence-request email' })
@Public()
@Controller('evidence-uploads')
export class EvidenceUploadsController {
  constructor(private readonly service: EvidenceUploadsService) {}

  @Get(':token')
  @ApiOkResponse({ type: EvidenceRequestViewDto })
  describe(@Param('token') token: string): Promise<EvidenceRequestViewDto> {
    return this.service.describe(token);
  }

  @Post(':token')
  @ApiCreatedResponse({ type: EvidenceReceiptDto })
  submit(@Param('token') token: string, @Body() dto: SubmitEvidenceDto): Promise<EvidenceReceiptDto> {
    return this.service.submit(token, dto);
  }
}
