from notecoder.cli import app

app(prog_name="notecoder")
