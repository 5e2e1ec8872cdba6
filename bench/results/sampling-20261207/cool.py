"""Run the inkborn CLI with her replies drafted at another temperature (the experiment's arm)."""
import dataclasses, os, sys
import inkborn.stage as stage, inkborn.reply as reply
T = float(os.environ["HER_TEMPERATURE"])
original = stage.build_prompt
def build_prompt(scene, backend):
    return dataclasses.replace(original(scene, backend), temperature=T)
stage.build_prompt = reply.build_prompt = build_prompt
from inkborn.cli import main
sys.argv[0] = "inkborn"
main()
