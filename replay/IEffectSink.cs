namespace MmReplay.Replay;

/// <summary>Where the model puts its effects. The engine batches them for the analyzers; tests collect them.</summary>
public interface IEffectSink
{
    void Emit(in Effect effect);
}
