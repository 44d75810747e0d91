"""Pipelines and their ordered stages: where a deal stands (SPEC §4)."""

from __future__ import annotations

from core.errors import ErrorCode, fail
from domain.viewer import Viewer
from models import Pipeline, Stage


async def pipelines(viewer: Viewer) -> list[Pipeline]:
    """The company's pipelines, in their order."""
    return await Pipeline.filter(company_id=viewer.company_id).order_by("position", "id")


async def get_pipeline(viewer: Viewer, pipeline_id: int, path: tuple[str, ...]) -> Pipeline:
    pipeline = await Pipeline.get_or_none(id=pipeline_id, company_id=viewer.company_id)
    if pipeline is None:
        raise fail("Pipeline not found.", ErrorCode.NOT_FOUND, *path)
    return pipeline


async def default_pipeline(viewer: Viewer, path: tuple[str, ...]) -> Pipeline:
    pipeline = await Pipeline.filter(company_id=viewer.company_id).order_by("-is_default", "position", "id").first()
    if pipeline is None:
        raise fail("The company has no pipeline.", ErrorCode.NOT_FOUND, *path)
    return pipeline


async def first_stage(pipeline: Pipeline, path: tuple[str, ...]) -> Stage:
    stage = await Stage.filter(pipeline_id=pipeline.id).order_by("position", "id").first()
    if stage is None:
        raise fail(f"The pipeline {pipeline.name!r} has no stage.", ErrorCode.NOT_FOUND, *path)
    return stage


async def placement(
    viewer: Viewer, pipeline_id: int | None, stage_id: int | None, path: tuple[str, ...]
) -> tuple[Pipeline, Stage]:
    """The pipeline and stage a deal goes to.

    A stage alone implies its pipeline; a pipeline alone means its first stage; neither means
    the first stage of the default pipeline. A stage must belong to the pipeline given with it.
    """
    if stage_id is not None:
        stage = await Stage.get_or_none(id=stage_id, pipeline__company_id=viewer.company_id)
        if stage is None:
            raise fail("Stage not found.", ErrorCode.NOT_FOUND, *path, "stage_id")
        if pipeline_id is not None and stage.pipeline_id != pipeline_id:
            await get_pipeline(viewer, pipeline_id, (*path, "pipeline_id"))
            raise fail("The stage belongs to another pipeline.", ErrorCode.STAGE_NOT_IN_PIPELINE, *path, "stage_id")
        return await Pipeline.get(id=stage.pipeline_id), stage
    if pipeline_id is not None:
        pipeline = await get_pipeline(viewer, pipeline_id, (*path, "pipeline_id"))
    else:
        pipeline = await default_pipeline(viewer, (*path, "pipeline_id"))
    return pipeline, await first_stage(pipeline, (*path, "stage_id"))
