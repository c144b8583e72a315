FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1
WORKDIR /desk
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY core core
COPY store store
COPY tools tools
COPY agents agents
COPY graphs graphs
COPY bot bot
COPY app app
COPY evals evals
COPY prompts prompts
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu \
    "torch==2.13.0" -e ".[embeddings]"
EXPOSE 8000
CMD ["sh", "-c", "desk init && desk up --host 0.0.0.0"]
