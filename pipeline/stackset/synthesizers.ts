/**
 * Synthesizers for StackSet delivery.
 *
 * A pattern's stack becomes the template of a StackSet: it is synthesized as a file (not a stack
 * of the assembly), and its file assets are published by the pipeline, once per asset, into the
 * organization's asset bucket of every Region the StackSet deploys to. The template reads them from
 * the bucket of the Region it runs in (`${AWS::Region}`), so one template serves every account and
 * Region.
 *
 * The host stack (the one that holds the AWS::CloudFormation::StackSet) carries both: the
 * template as one of its own file assets, and the Lambda code as a second asset manifest whose
 * destinations are the regional buckets. CDK Pipelines reads every asset manifest of a stack, so
 * it publishes them like any other asset. A template is synthesized once per (pattern,
 * parameters), in a stage of its own, so the waves that deploy it promote the very same file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DefaultStackSynthesizer,
  FileAssetPackaging,
  Fn,
  StackSynthesizer,
  type DockerImageAssetLocation,
  type DockerImageAssetSource,
  type FileAssetLocation,
  type FileAssetSource,
  type ISynthesisSession,
  type SynthesizeStackArtifactOptions,
} from 'aws-cdk-lib';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';

import { assetBucketName, BOOTSTRAP_QUALIFIER, filePublishingRoleName, STACKSET_ASSET_PREFIX, type StackSetAssetSource } from '../../stages/shared/stackset-assets';

/** File name ending of StackSet templates in the cloud assembly (the guards validate them). */
export const STACKSET_TEMPLATE_SUFFIX = '.stackset.template.json';

export interface StackSetAssetDestinations {
  /** The account that owns the regional asset buckets (the management account). */
  readonly assetAccount: string;
  /** Every Region the StackSet deploys to: each gets a copy of each asset. */
  readonly regions: readonly string[];
}

/** The synthesizer of the stack that holds the StackSet resource: the default one, plus the StackSet's assets. */
export class StackSetHostSynthesizer extends DefaultStackSynthesizer {
  private readonly files: Record<string, cxschema.FileAsset> = {};

  constructor(private readonly destinations: StackSetAssetDestinations) {
    super();
  }

  /** Publishes an asset of the StackSet's template into every Region's asset bucket. */
  addStackSetAsset(asset: FileAssetSource, objectKey: string): void {
    if (!asset.fileName) throw new Error(`StackSet asset ${asset.sourceHash} has no file: StackSet templates take file assets only`);
    const entry: cxschema.FileAsset = this.files[asset.sourceHash] ?? {
      displayName: asset.displayName,
      source: { path: asset.fileName, packaging: asset.packaging },
      destinations: {},
    };
    for (const region of this.destinations.regions) {
      entry.destinations[`${this.destinations.assetAccount}-${region}`] = {
        bucketName: assetBucketName(this.destinations.assetAccount, region),
        objectKey,
        region,
        assumeRoleArn: `arn:\${AWS::Partition}:iam::${this.destinations.assetAccount}:role/${filePublishingRoleName(this.destinations.assetAccount, region)}`,
      };
    }
    this.files[asset.sourceHash] = entry;
  }

  protected emitArtifact(session: ISynthesisSession, options: SynthesizeStackArtifactOptions = {}): void {
    const dependencies = [...(options.additionalDependencies ?? [])];
    if (Object.keys(this.files).length > 0) {
      const artifactId = `${this.boundStack.artifactId}.stackset-assets`;
      const file = `${artifactId}.json`;
      const manifest: cxschema.AssetManifest = { version: cxschema.Manifest.version(), files: this.files, dockerImages: {} };
      fs.writeFileSync(path.join(session.assembly.outdir, file), JSON.stringify(manifest, undefined, 2));
      session.assembly.addArtifact(artifactId, {
        type: cxschema.ArtifactType.ASSET_MANIFEST,
        // The publishing roles come with bootstrap version 6; this project needs far newer anyway.
        properties: { file, requiresBootstrapStackVersion: 6, bootstrapStackVersionSsmParameter: `/cdk-bootstrap/${BOOTSTRAP_QUALIFIER}/version` },
      });
      dependencies.push(artifactId);
    }
    super.emitArtifact(session, { ...options, additionalDependencies: dependencies });
  }
}

/** An asset of a StackSet template: its source (relative to the template's assembly directory) and its key in the asset buckets. */
export interface StackSetTemplateAsset {
  readonly source: FileAssetSource;
  readonly objectKey: string;
}

/**
 * The synthesizer of a pattern stack delivered as a StackSet: an environment-agnostic template
 * written as a file; its assets are read from the asset bucket of the Region the stack runs in.
 * It publishes nothing itself: every StackSet that uses the template (one per wave) publishes
 * the template and its assets through its own host (StackSetHostSynthesizer), and since the
 * template is the same file, CDK Pipelines publishes it once.
 */
export class StackSetTemplateSynthesizer extends StackSynthesizer implements StackSetAssetSource {
  readonly assets: StackSetTemplateAsset[] = [];
  private synthesized?: { file: string; sourceHash: string };

  constructor(readonly assetAccount: string) {
    super();
  }

  addFileAsset(asset: FileAssetSource): FileAssetLocation {
    const extension = asset.packaging === FileAssetPackaging.ZIP_DIRECTORY ? '.zip' : path.extname(asset.fileName ?? '');
    const objectKey = `${STACKSET_ASSET_PREFIX}${asset.sourceHash}${extension}`;
    if (!asset.fileName) throw new Error(`${this.boundStack.node.path}: StackSet templates take file assets only`);
    if (!this.assets.some((a) => a.source.sourceHash === asset.sourceHash)) this.assets.push({ source: asset, objectKey });
    const bucket = assetBucketName(this.assetAccount, '${AWS::Region}');
    return {
      bucketName: Fn.sub(bucket),
      objectKey,
      httpUrl: Fn.sub(`https://s3.\${AWS::Region}.\${AWS::URLSuffix}/${bucket}/${objectKey}`),
      s3ObjectUrl: Fn.sub(`s3://${bucket}/${objectKey}`),
    };
  }

  addDockerImageAsset(_asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error(`${this.boundStack.node.path}: a StackSet template cannot use Docker image assets; bundle locally (esbuild, GoFunction) instead`);
  }

  /** The template file (absolute) and its hash, once synthesized. */
  get template(): { file: string; sourceHash: string } | undefined {
    return this.synthesized;
  }

  synthesize(session: ISynthesisSession): void {
    const source = this.synthesizeTemplate(session);
    const fileName = `${this.boundStack.artifactId}${STACKSET_TEMPLATE_SUFFIX}`;
    fs.renameSync(path.join(session.outdir, source.fileName!), path.join(session.outdir, fileName));
    this.synthesized = { file: path.join(session.outdir, fileName), sourceHash: source.sourceHash };
  }
}
