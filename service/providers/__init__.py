"""LLM provider adapters: each turns a ``ProviderCall`` into a ``ProviderReply`` or raises ``ProviderError``."""
