"""The baseline: a bare Flask "hello" app, served by the same gunicorn settings as learnpm."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
