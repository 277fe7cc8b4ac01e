"""The names of the events NullCheck publishes and listens to: plain strings, no models.

The catalog's rules need only these, so importing the catalog (every handler does, to find its
own trigger) does not build the detail models of `handlers.core.events`, which re-exports them.
"""

SOURCE = "nullcheck"
VIDEO_UPLOAD_COMPLETED = "Video Upload Completed"
MEDIACONVERT_SOURCE = "aws.mediaconvert"
MEDIACONVERT_STATE_CHANGE = "MediaConvert Job State Change"
JOB_KIND = "kind"
"""UserMetadata key telling NullCheck's two kinds of MediaConvert job apart (rules filter on it)."""
CHUNKS_JOB, RENDER_JOB = "chunks", "render"
S3_SOURCE = "aws.s3"
S3_OBJECT_CREATED = "Object Created"
