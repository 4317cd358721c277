"""Trained models, installed as `notecoder.models`: each folder holds model.json, its checksum and its model card."""
