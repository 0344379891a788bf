"""How far a document made in the background has got, in the words its page
shows and its progress JSON sends to the page's script."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class JobProgress:
    status: str  # the model's status value
    label: str  # the status tag's text
    message: str  # one sentence, announced when it changes
    finished: bool  # nothing more will change: ready, failed or expired
    download_url: str = ""  # when ready

    @property
    def tag_colour(self) -> str:
        if self.status == "complete" and self.download_url:
            return "green"
        if self.status == "failed":
            return "red"
        if self.status in ("running", "assembling"):
            return "blue"
        return "grey"

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "tag_colour": self.tag_colour}
