"""Uploads as ingestion jobs, for the REST API and the staff workspace: the file is kept under the
upload directory, a job is queued and its id returned at once; the job's state is read here too.
The UI goes through here, never to the job journal or the stores."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ingest.reader import SUFFIXES
from qa.catalog import _safe_name
from vectorstore.jobs import IngestJobs


class UploadJobs:
    def __init__(self, jobs: IngestJobs, upload_dir: Path) -> None:
        self.jobs = jobs
        self.upload_dir = upload_dir

    def submit(self, filename: str, data: bytes) -> dict:
        """Keep the file (under its own safe name, never elsewhere) and queue its ingestion."""
        safe = _safe_name(filename)
        if Path(safe).suffix.lower() not in SUFFIXES:
            return {"file": safe, "status": "failed", "reason": "不支持的文件类型（支持 PDF、HTML、DOCX、TXT、MD）"}
        staging = self.upload_dir / ".staged"
        try:
            staging.mkdir(parents=True, exist_ok=True)
            # The file waits beside the others until its job runs: an earlier job for the same name
            # may still be reading the previous version.
            with tempfile.NamedTemporaryFile(dir=staging, prefix="upload-", delete=False) as handle:
                handle.write(data)
        except OSError as error:
            return {"file": safe, "status": "failed",
                    "reason": f"无法保存文件 / cannot store the file: {error.strerror}"}
        try:
            job = self.jobs.submit(self.upload_dir / safe, safe, staged=Path(handle.name))
        except Exception:  # not queued (the journal is locked, say): nothing may stay behind
            Path(handle.name).unlink(missing_ok=True)
            raise
        return {"file": safe, "status": "queued", "job": job.id}

    def state(self, job_id: str) -> dict | None:
        """The job's state: queued, running (with its stage), done (with the outcome) or failed (why)."""
        job = self.jobs.get(job_id)
        return None if job is None else job.json()

    def recent(self, limit: int = 20) -> list[dict]:
        return [job.json() for job in self.jobs.recent(limit)]
