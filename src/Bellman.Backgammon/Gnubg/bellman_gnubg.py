# Bellman's driver for GNU Backgammon, run inside gnubg's embedded Python:
#   gnubg -t -q -r -p bellman_gnubg.py
# One JSON request per line on stdin, one JSON reply per line on stdout (gnubg's own output goes to
# /dev/null). The first line is {"ready": true}. Requests:
#   {"op": "choose", "position_id": P, "dice": [a, b], "plies": n, "noise": x, "prune": 0|1}
#       -> {"ok": true, "steps": [[from, to], ...]}  (mover's points, 25 bar, 0 off; [] when no play)
#   {"op": "rate", "first": 0|1, "turns": [{"dice": [a, b], "move": "24/18 13/11"}, ...], "plies": n}
#       -> {"ok": true, "players": [{"total_moves", "unforced_moves", "error_skill", "error_rate"}, x2]}
#          (a turn with no legal play has "move": ""; error_skill is the equity given up, EMG)
#   {"op": "quit"}
import json
import os
import sys

import gnubg

reply = os.fdopen(os.dup(1), "w")
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)


def send(obj):
    reply.write(json.dumps(obj) + "\n")
    reply.flush()


for c in ("set player 0 human", "set player 1 human", "set automatic roll off",
          "set automatic game off", "set cube use off", "set jacoby off",
          "set evaluation chequerplay evaluation cubeful off", "new session", "new game"):
    gnubg.command(c)


def choose(req):
    pid = req["position_id"]
    if gnubg.posinfo()["gamestate"] != 1:
        gnubg.command("new game")
    gnubg.command("set board " + pid)
    if gnubg.positionid(gnubg.board()) != pid:
        raise ValueError("gnubg refused the position " + pid)
    dice = tuple(req["dice"])
    gnubg.command("set dice %d %d" % dice)
    for ply, level, extra, tolerance in req.get("filters", []):
        gnubg.command("set evaluation movefilter %d %d 0 %d %g" % (ply, level, extra, tolerance))
    ec = gnubg.evalcontext(0, int(req["plies"]), 1, int(req["prune"]), float(req["noise"]))
    mv = gnubg.findbestmove(gnubg.positionfromid(pid), gnubg.cubeinfo(), ec, dice)
    steps = [[mv[i], mv[i + 1]] for i in range(0, len(mv or ()), 2) if mv[i] > 0]
    return {"ok": True, "steps": steps}


def rate(req):
    # Replays the game move by move into a fresh gnubg game, then lets gnubg analyse it.
    gnubg.command("new session")
    gnubg.command("new game")
    gnubg.command("set turn %d" % int(req["first"]))
    for turn in req["turns"]:
        gnubg.command("set dice %d %d" % tuple(turn["dice"]))
        gnubg.command(("move " + turn["move"]).strip())
    plies = int(req.get("plies", 0))
    gnubg.command("set analysis chequerplay evaluation plies %d" % plies)
    gnubg.command("set analysis chequerplay evaluation cubeful off")
    gnubg.command("analyse game")
    stats = gnubg.match(1, 0, 1, 0)["games"][-1]["stats"]
    players = []
    for key in ("X", "O"):
        moves = stats[key]["moves"]
        unforced = int(moves["unforced-moves"])
        skill = float(moves["error-skill"])
        players.append({"total_moves": int(moves["total-moves"]), "unforced_moves": unforced,
                        "error_skill": skill, "error_rate": skill / unforced if unforced else 0.0})
    gnubg.command("new session")
    gnubg.command("new game")
    return {"ok": True, "players": players}


send({"ready": True})
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    try:
        req = json.loads(line)
        if req.get("op") == "quit":
            break
        if req.get("op") == "choose":
            send(choose(req))
        elif req.get("op") == "rate":
            send(rate(req))
        else:
            send({"ok": False, "error": "unknown op %r" % req.get("op")})
    except Exception as e:  # reply and keep serving
        send({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
