"""The composition root: builds every component from Settings, once, and wires them together."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from nianbao.settings import Settings
from qa.answerer import Answerer
from qa.cache import (
    CachedAnswerer,
    CachedSearch,
    ResultCache,
    SharedTier,
    answer_from_text,
    answer_text,
    composer_fingerprint,
    hits_from_text,
    hits_text,
)
from qa.cells import FigureCatalogue, load_synonyms
from qa.search import SearchService
from qa.tools import FigureTools
from qa.vocabulary import load_vocabulary
from vectorstore.chroma_index import ChromaIndex
from vectorstore.chunking import Chunker
from vectorstore.database import open_database
from vectorstore.embedding import Embedder, RememberedQueries, make_embedder
from vectorstore.figure_store import FigureStore
from vectorstore.indexer import Indexer
from vectorstore.jobs import IngestJobs, InProcessQueue, JobJournal
from vectorstore.legacy import import_lexical_files
from vectorstore.lexical import LexicalIndex
from vectorstore.retriever import Retriever
from vectorstore.segmenter import Segmenter
from vectorstore.shared_results import SharedResults
from vectorstore.tokens import TokenCounter

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class Container:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def embedder(self) -> Embedder:
        s = self.settings
        embedder = make_embedder(s.embedding_backend, s.embedding_model, s.embedding_batch_size, s.embedding_threads)
        return RememberedQueries(embedder, s.query_cache_size) if s.query_cache_size else embedder

    @cached_property
    def database(self) -> Engine:
        """The SQL database every store shares, upgraded to the newest schema."""
        return open_database(self.settings.figure_store_url)

    @cached_property
    def figure_store(self) -> FigureStore:
        return FigureStore(self.database)

    @cached_property
    def vectors(self) -> ChromaIndex:
        return ChromaIndex(
            self.embedder.model_id,
            self.embedder.dimension,
            path=self.settings.data_dir / "chroma",
            url=self.settings.chroma_url,
        )

    @cached_property
    def lexical(self) -> LexicalIndex:
        lexical = LexicalIndex(self.database, Segmenter())
        complete = {report.id for report in self.figure_store.reports()}
        import_lexical_files(self.settings.data_dir, lexical, complete)  # a release 0.1 data directory
        return lexical

    @cached_property
    def indexer(self) -> Indexer:
        s = self.settings
        chunker = Chunker(TokenCounter(), s.chunk_tokens, s.chunk_overlap_tokens)
        return Indexer(self.figure_store, self.vectors, self.lexical, self.embedder, chunker, s.max_file_bytes,
                       s.non_reports, s.ocr)

    @cached_property
    def job_journal(self) -> JobJournal:
        return JobJournal(self.database)

    @cached_property
    def jobs(self) -> IngestJobs:
        """Ingestion jobs: procrastinate on PostgreSQL, a thread of this process otherwise."""
        s = self.settings
        if s.database_url and s.database_url.startswith("postgresql"):
            from vectorstore.queue_procrastinate import ProcrastinateQueue

            queue = ProcrastinateQueue(s.database_url, s.job_stall_seconds)
        else:
            queue = InProcessQueue()
        jobs = IngestJobs(self.job_journal, self.indexer, queue, s.job_max_attempts, s.job_stall_seconds)
        queue.bind(jobs.run, jobs.retrying)
        return jobs

    @cached_property
    def uploads(self):
        """Uploads as jobs, for the UI."""
        from qa.uploads import UploadJobs

        return UploadJobs(self.jobs, self.settings.data_dir / "uploads")

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(self.embedder, self.vectors, self.lexical)

    @cached_property
    def search(self) -> SearchService:
        if not self.settings.answer_cache_size:
            return SearchService(self.retriever, self.figure_store)
        return CachedSearch(self.retriever, self.figure_store,
                            cache=self._result_cache("search", hits_text, hits_from_text))

    @cached_property
    def answerer(self) -> Answerer:
        vocabulary = load_vocabulary()
        cached = ({"cache": self._result_cache("answer", answer_text, answer_from_text)}
                  if self.settings.answer_cache_size else {})
        return (CachedAnswerer if cached else Answerer)(
            self.figure_store,
            self.search,
            FigureTools(self.figure_store, vocabulary),
            vocabulary,
            Segmenter(),
            phraser=self.phraser,
            catalogue=FigureCatalogue(vocabulary, load_synonyms(), self.embedder),
            planner=self.llm_planner(vocabulary),
            **cached,
        )

    @cached_property
    def _composer(self) -> str:
        return composer_fingerprint(self.settings.model_dump_json())

    def _result_cache(self, kind: str, encode, decode) -> ResultCache:
        """Remembered per process; with PostgreSQL (several API processes) also shared among them."""
        s = self.settings
        shared = None
        if s.database_url and s.database_url.startswith("postgresql"):
            shared = SharedTier(SharedResults(self.database, 2 * s.answer_cache_size), kind, encode, decode,
                                self._composer)
        return ResultCache(s.answer_cache_size, self.figure_store.version, shared)

    def llm_planner(self, vocabulary):
        """The LLM planner when configured (it falls back to the rule planner), else None."""
        s = self.settings
        if not s.llm_planner or s.llm_backend == "none":
            return None
        from qa.llm import make_chat_model
        from qa.llm_planner import LLMPlanner
        from qa.planner import RulePlanner

        rules = RulePlanner(vocabulary, self.figure_store.years_of,
                            FigureCatalogue(vocabulary, load_synonyms(), self.embedder))
        return LLMPlanner(make_chat_model(s), rules, s.prompts_dir)

    @cached_property
    def catalog(self):
        from qa.catalog import Catalog

        vocabulary = load_vocabulary()
        return Catalog(self.figure_store, self.indexer, FigureTools(self.figure_store, vocabulary), vocabulary,
                       self.settings.data_dir / "uploads")

    @cached_property
    def phraser(self):
        """The LLM that phrases answers, or None: the deterministic composer is the default."""
        if self.settings.llm_backend == "none":
            return None
        from qa.llm import GuardedPhraser, make_chat_model

        return GuardedPhraser(make_chat_model(self.settings), self.settings.prompts_dir)
